//! JSON rules both vendors' handlers share, so that the mock is never stricter than the specs.

use serde_json::Number;

/// The integer a JSON number stands for, as JSON Schema counts integers: any number whose
/// fractional part is zero (`59`, `59.0` and `5.9e1` alike), within ±2^53 where floats are exact.
pub(crate) fn integer(n: &Number) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= EXACT)
            // Exact: a whole number within ±2^53 converts without rounding.
            .map(|f| f as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_integers_in_any_notation() {
        let parse = |text: &str| integer(&serde_json::from_str::<Number>(text).expect("a number"));
        assert_eq!(parse("59"), Some(59));
        assert_eq!(parse("59.0"), Some(59));
        assert_eq!(parse("5.9e1"), Some(59));
        assert_eq!(parse("-3.0"), Some(-3));
        assert_eq!(parse("59.5"), None);
        assert_eq!(parse("1e300"), None);
        assert_eq!(parse("18446744073709551615"), None, "beyond i64");
    }
}
