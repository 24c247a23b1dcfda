package importer

import "testing"

func TestHeaderReason(t *testing.T) {
	tests := []struct {
		header string
		mapped bool
		want   string
	}{
		// Names, in the three languages.
		{"ФИО", false, GuardNameHeader},
		{"Ф.И.О. потерпевшего", false, GuardNameHeader},
		{"fio", true, GuardNameHeader},
		{"Фамилия", false, GuardNameHeader},
		{"Имя", false, GuardNameHeader},
		{"Отчество", false, GuardNameHeader},
		{"Аты-жөнү", false, GuardNameHeader},
		{"аты жөнү", false, GuardNameHeader},
		{"Аты", false, GuardNameHeader},
		{"Фамилиясы", false, GuardNameHeader},
		{"Атасынын аты", false, GuardNameHeader},
		{"Name", false, GuardNameHeader},
		{"full_name", false, GuardNameHeader},
		{"First Name", false, GuardNameHeader},
		{"lastName", false, GuardNameHeader},
		{"surname", false, GuardNameHeader},
		{"victim_name", false, GuardNameHeader},
		{"Имя подозреваемого", false, GuardNameHeader},
		// Names of things are not names of people.
		{"category_name", false, ""},
		{"name_ru", false, ""},
		{"Наименование статьи", false, ""},
		{"Аймактын аты", false, ""},
		{"territory name", false, ""},
		// Personal numbers, phones, births.
		{"ПИН", false, GuardIDHeader},
		{"ИНН", false, GuardIDHeader},
		{"Паспорт", false, GuardIDHeader},
		{"Телефон", false, GuardPhoneHeader},
		{"phone_number", true, GuardPhoneHeader},
		{"Дата рождения", false, GuardBirthHeader},
		{"Туулган жылы", false, GuardBirthHeader},
		// Addresses and free text, when the profile does not map the column.
		{"Адрес", false, GuardAddress},
		{"Дареги", false, GuardAddress},
		{"address_line", false, GuardAddress},
		{"Дом", false, GuardAddress},
		{"street_house", false, GuardAddress},
		{"Квартира", false, GuardAddress},
		{"Адрес", true, ""},
		{"Үй-бүлөлүк абалы", false, ""},
		{"Фабула", false, GuardFreeTextHead},
		{"Comments", false, GuardFreeTextHead},
		{"Фабула", true, ""},
		// The canonical headers pass.
		{"registration_number", true, ""},
		{"territory_code", true, ""},
		{"place_type", true, ""},
		{"damage_kgs", true, ""},
		{"Улица", false, ""}, // street level is not house level
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := headerReason(tt.header, tt.mapped); got != tt.want {
				t.Errorf("headerReason(%q, mapped=%v) = %q, want %q", tt.header, tt.mapped, got, tt.want)
			}
		})
	}
}

func TestValueReason(t *testing.T) {
	tests := []struct {
		value, want string
	}{
		// Personal identification numbers: 1 or 2, DDMMYYYY, five digits.
		{"21501199012345", GuardPIN},
		{"12902200000001", GuardPIN}, // born 29 February 2000
		{"2 1501 1990 12345", GuardPIN},
		{"2.1501199012345E+13", GuardPIN},
		{"ПИН 21501199012345, Бишкек", GuardPIN},
		{"31501199012345", ""}, // first digit 3
		{"21513199012345", ""}, // month 13
		{"22902200100001", ""}, // 29 February 2001
		{"23001203012345", ""}, // born in 2030
		{"41711201000000", ""}, // a SOATE code
		// Phone numbers.
		{"+996 555 123 456", GuardPhone},
		{"+996555123456", GuardPhone},
		{"996555123456", GuardPhone},
		{"0555 123 456", GuardPhone},
		{"0(312) 62-34-56", GuardPhone},
		{"0700123456", GuardPhone},
		{"+7 (701) 123-45-67", GuardPhone},
		{"звонил с +996 700 12 34 56 вечером", GuardPhone},
		{"тел.996555123456", GuardPhone},
		// Not personal.
		{"2024-03-05", ""},
		{"05.03.2024 14:30", ""},
		{"03-02-2023 10:30", ""},
		{"2024-03-05T14:30:00+06:00", ""},
		{"42.87462187462187", ""},
		{"74.12051990123456", ""},
		{"1 500 000 000", ""},
		{"150000000.50", ""},
		{"KUI-2024-000123", ""},
		{"41711201000000-P01", ""},
		{"0123456789", ""}, // a trunk 0 followed by 1 is no Kyrgyz number
		{"температура +25", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			if got := valueReason(tt.value, 2024); got != tt.want {
				t.Errorf("valueReason(%q) = %q, want %q", tt.value, got, tt.want)
			}
		})
	}
}
