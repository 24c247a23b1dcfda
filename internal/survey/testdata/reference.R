# Reference values for internal/survey, computed with R's survey package.
# Run from this directory: Rscript reference.R
# Reads fixture.csv; writes reference.csv (estimates and standard errors)
# and reference_weights.csv (raked, post-stratified and trimmed weights).
suppressMessages(library(survey))
options(digits = 17)

d <- read.csv("fixture.csv")
d$region <- factor(d$region)
d$sex <- factor(d$sex)
d$age <- factor(d$age)

out <- data.frame(name = character(), key = character(), estimate = numeric(), se = numeric())
add <- function(name, key, est, se) {
  out <<- rbind(out, data.frame(name = name, key = key, estimate = as.numeric(est), se = as.numeric(se)))
}
mean_of <- function(name, formula, design) {
  m <- svymean(formula, design, na.rm = TRUE)
  add(name, names(coef(m)), coef(m), SE(m))
}
by_of <- function(name, formula, by, design) {
  b <- svyby(formula, by, design, svymean, na.rm = TRUE)
  add(name, as.character(b[[1]]), coef(b), SE(b))
}
estimates <- function(prefix, design) {
  mean_of(paste0(prefix, "/mean/safe"), ~safe, design)
  mean_of(paste0(prefix, "/mean/trust"), ~trust, design)
  mean_of(paste0(prefix, "/mean/income"), ~income, design)
  by_of(paste0(prefix, "/by_region/safe"), ~safe, ~region, design)
  by_of(paste0(prefix, "/by_sex/trust"), ~trust, ~sex, design)
}

# Weights only.
simple <- svydesign(ids = ~1, weights = ~w, data = d)
estimates("weights", simple)
mean_of("weights/mean/trust_level", ~factor(trust), simple)

# Strata and clusters (clusters numbered within strata).
full <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)
estimates("strata_clusters", full)

# Clusters without strata.
clus <- svydesign(ids = ~psu_global, weights = ~w, data = d)
estimates("clusters", clus)

# Post-stratification on sex.
pop_sex <- data.frame(sex = c("f", "m"), Freq = c(52000, 48000))
post <- postStratify(full, ~sex, pop_sex)
estimates("post_sex", post)

# Raking to three margins, R's default control and a tight one.
pop_region <- data.frame(region = c("A", "B", "C"), Freq = c(30000, 45000, 25000))
pop_age <- data.frame(age = c("18-29", "30-49", "50+"), Freq = c(28000, 40000, 32000))
raked <- rake(full, list(~region, ~sex, ~age), list(pop_region, pop_sex, pop_age))
estimates("raked", raked)
tight <- rake(full, list(~region, ~sex, ~age), list(pop_region, pop_sex, pop_age),
              control = list(maxit = 50, epsilon = 1e-9))
estimates("raked_tight", tight)

# Trimming the raked weights at 260, loose and strict.
trimmed <- trimWeights(tight, upper = 260)
strict <- trimWeights(tight, upper = 260, strict = TRUE)

write.csv(out, "reference.csv", row.names = FALSE)
write.csv(data.frame(id = d$id, post = weights(post), raked = weights(raked),
                     raked_tight = weights(tight), trimmed = weights(trimmed),
                     trimmed_strict = weights(strict)),
          "reference_weights.csv", row.names = FALSE)
