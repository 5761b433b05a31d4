//! The engagement rate, defined once: of the members a post reached, the share who responded.
//! The stats page, the API and its documentation all read it from here.

/// Below this many impressions a rate says more about chance than about the post, so none is
/// given.
pub const MIN_IMPRESSIONS: i64 = 20;

/// The definition as members and API clients read it.
pub const DEFINITION: &str = "The share of the members who saw the post who reacted to it, \
commented on it or reposted it: engaged members divided by members reached. Each member counts \
once, however often they responded, so it is never above 100 %. Shown from 20 impressions.";

/// Engaged members ÷ members reached, from 0 to 1; `None` below [`MIN_IMPRESSIONS`] or before
/// anyone was reached. A member who responded without a recorded view (through the API, say)
/// still counts as reached, so the rate never exceeds 1.
pub fn engagement_rate(engaged: i64, reached: i64, impressions: i64) -> Option<f64> {
    if impressions < MIN_IMPRESSIONS || reached <= 0 {
        return None;
    }
    let engaged = engaged.clamp(0, reached);
    Some(engaged as f64 / reached as f64)
}

/// "12.5 %" for a rate from [`engagement_rate`].
pub fn percent(rate: f64) -> String {
    format!("{:.1} %", rate.clamp(0.0, 1.0) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_a_share_of_members_reached_and_only_from_the_minimum() {
        assert_eq!(engagement_rate(3, 1, 1), None);
        assert_eq!(engagement_rate(3, 1, MIN_IMPRESSIONS - 1), None);
        assert_eq!(engagement_rate(0, 0, 100), None);
        assert_eq!(engagement_rate(5, 20, 40), Some(0.25));
        assert_eq!(engagement_rate(30, 20, 40), Some(1.0));
        assert_eq!(percent(0.125), "12.5 %");
    }
}
