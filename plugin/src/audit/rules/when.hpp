// Whole days between two of the adapter's UTC times ("2026-11-20T18:00:00Z"), for rules that judge
// age (tokens, sign-ins). Ages are measured from the snapshot's own moment (Home::taken_at), so an
// audit of the same snapshot says the same thing tomorrow.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace domoguard::audit::rules {

// Days since 1970-01-01 of an ISO date's first ten characters; nullopt when it is not one.
inline std::optional<std::int64_t> day_number(std::string_view iso) {
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return std::nullopt;
      v = v * 10 + (iso[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  // Howard Hinnant's days_from_civil.
  std::int64_t yy = *y - (*m <= 2);
  const std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const std::int64_t yoe = yy - era * 400;
  const std::int64_t doy = (153 * (*m + (*m > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Whole days from `from` to `to`; nullopt when either is not a date.
inline std::optional<std::int64_t> days_between(std::string_view from, std::string_view to) {
  auto a = day_number(from), b = day_number(to);
  if (!a || !b) return std::nullopt;
  return *b - *a;
}

}  // namespace domoguard::audit::rules
