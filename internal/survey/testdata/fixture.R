# Generates fixture.csv, the synthetic sample the reference values are
# computed on (run once; the CSV is committed). Rscript fixture.R
set.seed(20261206)
n <- 600
stratum <- rep(1:4, each = n / 4)
psu <- ave(seq_len(n), stratum, FUN = function(i) rep(1:10, length.out = length(i)))
region <- sample(c("A", "B", "C"), n, replace = TRUE, prob = c(0.4, 0.35, 0.25))
sex <- sample(c("f", "m"), n, replace = TRUE, prob = c(0.6, 0.4))
age <- sample(c("18-29", "30-49", "50+"), n, replace = TRUE)
w <- round(runif(n, 80, 250) * ifelse(stratum == 2, 1.5, 1), 3)
p_safe <- plogis(-0.2 + 0.6 * (sex == "m") + 0.4 * (region == "C") + 0.05 * psu)
safe <- rbinom(n, 1, p_safe)
safe[sample(n, 25)] <- NA
trust <- pmin(5, pmax(1, round(3 + 0.5 * (region == "B") + rnorm(n, 0, 1.1))))
income <- round(rlnorm(n, 9.5 + 0.1 * stratum, 0.5))
d <- data.frame(id = seq_len(n), stratum = stratum, psu = psu,
                psu_global = (stratum - 1) * 10 + psu,
                region = region, sex = sex, age = age, w = w,
                safe = safe, trust = trust, income = income)
write.csv(d, "fixture.csv", row.names = FALSE, na = "")
