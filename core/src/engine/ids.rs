//! Request, message and connection ids in API Gateway's format, and the time formats events use.
//! Nothing here reads a clock or an entropy source: callers pass times and seeds in.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;

/// Makes ids like `XDmENcnwIE0CFEQ=`: 11 bytes in URL-safe base64, 16 characters ending in `=`.
/// Shared freely between threads: each id is a function of the seed and a counter.
#[derive(Debug)]
pub struct Ids {
    seed: u64,
    counter: AtomicU64,
}

/// A copy continues the same sequence from where this one is.
impl Clone for Ids {
    fn clone(&self) -> Self {
        Self {
            seed: self.seed,
            counter: AtomicU64::new(self.counter.load(Ordering::Relaxed)),
        }
    }
}

impl Ids {
    /// A deterministic sequence: the same seed gives the same ids (simulations, vectors).
    pub fn seeded(seed: u64) -> Self {
        Self {
            seed,
            counter: AtomicU64::new(0),
        }
    }

    pub fn next_id(&self) -> String {
        let n = self.counter.fetch_add(2, Ordering::Relaxed);
        let a = splitmix(self.seed, n + 1);
        let b = splitmix(self.seed, n + 2);
        let mut bytes = [0u8; 11];
        bytes[..8].copy_from_slice(&a.to_be_bytes());
        bytes[8..].copy_from_slice(&b.to_be_bytes()[..3]);
        base64::engine::general_purpose::URL_SAFE.encode(bytes)
    }
}

/// The n-th output of splitmix64 from `seed`: cheap, well mixed, and enough to keep ids distinct.
fn splitmix(seed: u64, n: u64) -> u64 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// (year, month, day, hour, minute, second, millisecond) in UTC of a Unix time in milliseconds.
pub(crate) fn civil(epoch_ms: u64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let secs = (epoch_ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        (epoch_ms % 1000) as u32,
    )
}

/// `requestTime`: Common Log Format, `19/Feb/2024:07:11:42 +0000`. Written digit by digit: it is in every event,
/// and `format!` made it a tenth of a proxy event's instructions (BENCHMARKS.md).
pub fn clf_time(epoch_ms: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s, _) = civil(epoch_ms);
    let mut out = String::with_capacity(26);
    let two = |out: &mut String, n: u32| {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    };
    two(&mut out, d);
    out.push('/');
    out.push_str(MONTHS[mo as usize - 1]);
    out.push('/');
    out.push_str(&y.to_string());
    for n in [h, mi, s] {
        out.push(':');
        two(&mut out, n);
    }
    out.push_str(" +0000");
    out
}

/// ISO 8601 with milliseconds, as GetConnection answers: `2022-01-25T18:50:04.673Z`.
pub fn iso_time(epoch_ms: u64) -> String {
    let (y, mo, d, h, mi, s, ms) = civil(epoch_ms);
    format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_aws_shape_and_do_not_repeat() {
        let ids = Ids::seeded(7);
        let a = ids.next_id();
        let b = ids.next_id();
        assert_eq!(a.len(), 16);
        assert!(a.ends_with('='));
        assert!(a[..15]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
        assert_eq!(Ids::seeded(7).next_id(), a);
    }

    #[test]
    fn times_match_captured_events() {
        assert_eq!(clf_time(1_708_326_702_790), "19/Feb/2024:07:11:42 +0000");
        assert_eq!(clf_time(1_705_751_700_453), "20/Jan/2024:11:55:00 +0000");
        assert_eq!(clf_time(1_704_067_209_999), "01/Jan/2024:00:00:09 +0000");
        assert_eq!(clf_time(1_735_689_599_000), "31/Dec/2024:23:59:59 +0000");
        assert_eq!(iso_time(1_643_136_604_673), "2022-01-25T18:50:04.673Z");
    }
}
