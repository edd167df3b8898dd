//! Names wsgate checks or derives: stage names, and the API id a definition without `apiId` gets from its name.

/// Stage names: 1 to 128 letters, digits, `-` or `_` (docs/behaviour.md §0).
pub fn valid_stage_name(stage: &str) -> bool {
    (1..=128).contains(&stage.len())
        && stage
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// 10 lowercase alphanumerics from the API's name (FNV-1a), so the same file always gives the same id.
pub(super) fn derive_api_id(name: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..10)
        .map(|_| {
            let c = ALPHABET[(hash % 36) as usize] as char;
            hash /= 36;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_ids_are_stable_and_well_formed() {
        let id = derive_api_id("chat");
        assert_eq!(id, derive_api_id("chat"));
        assert_ne!(id, derive_api_id("chat2"));
        assert_eq!(id.len(), 10);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }
}
