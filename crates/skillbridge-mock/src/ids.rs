//! Deterministic, invertible identifiers.
//!
//! Every id the mock serves is derived from a record's index and the seed, so nothing but the
//! index has to be stored. The ids look random but decode back to the index in O(1), which is
//! what makes id filters and keyset cursors cheap on a million records. A check part makes random
//! or foreign strings decode to "no such record". The codec scrambles an index into a value and a
//! check word; a vendor writes them in its own id format (UUIDs are shared here).

/// SplitMix64 finaliser: a good, cheap 64-bit mixer.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a seed, a domain tag and an index: the source of every derived attribute.
pub(crate) fn hash3(seed: u64, tag: u64, index: u64) -> u64 {
    mix(mix(seed ^ tag.wrapping_mul(0xA24B_AED4_963E_E407)) ^ index)
}

/// 64-bit FNV-1a, stable across Rust versions (std's hasher is not), for cursor filter hashes.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

const M1: u64 = 0xD6E8_FEB8_6659_FD93;
const M2: u64 = 0xA3B1_9535_4A39_B70D;

/// Multiplicative inverse of an odd number modulo 2^64 (Newton's iteration).
const fn inverse(m: u64) -> u64 {
    let mut inv = m;
    let mut i = 0;
    while i < 6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(inv)));
        i += 1;
    }
    inv
}
const M1_INV: u64 = inverse(M1);
const M2_INV: u64 = inverse(M2);

/// A keyed bijection on u64 (xor, odd multiplications and xorshifts are each invertible).
fn permute(key: u64, x: u64) -> u64 {
    let mut x = (x ^ key).wrapping_mul(M1);
    x ^= x >> 29;
    x = x.wrapping_mul(M2);
    x ^ (x >> 32)
}

fn unpermute(key: u64, y: u64) -> u64 {
    let mut x = y ^ (y >> 32);
    x = x.wrapping_mul(M2_INV);
    x = x ^ (x >> 29) ^ (x >> 58);
    x.wrapping_mul(M1_INV) ^ key
}

/// What an id names (a vendor's record type); each kind has its own key, so ids of one kind never
/// decode as another. Vendors define their kinds with distinct numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IdKind(u64);

impl IdKind {
    pub(crate) const fn new(tag: u64) -> Self {
        Self(tag)
    }
}

/// An index as an id carries it: the index permuted by the kind's key, and a check word derived
/// from it that a decoder compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scrambled {
    pub(crate) value: u64,
    pub(crate) check: u64,
}

/// Encodes and decodes ids for one seed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IdCodec {
    seed: u64,
}

impl IdCodec {
    pub(crate) fn new(seed: u64) -> Self {
        Self { seed }
    }

    fn key(&self, kind: IdKind) -> u64 {
        hash3(self.seed, 0x1D5 + kind.0, 0)
    }

    /// The index as an id of `kind` carries it.
    pub(crate) fn scramble(&self, kind: IdKind, index: u64) -> Scrambled {
        let key = self.key(kind);
        let value = permute(key, index);
        Scrambled {
            value,
            check: mix(key ^ value),
        }
    }

    /// The index a scrambled value stands for (whether it is genuine is the caller's check:
    /// scramble the index again and compare).
    pub(crate) fn unscramble(&self, kind: IdKind, value: u64) -> u64 {
        unpermute(self.key(kind), value)
    }

    /// A UUID-shaped id (version 4 and variant nibbles set) that decodes back to the index:
    /// 16 of its 30 free nibbles carry the permuted index, 14 are a check.
    pub(crate) fn uuid(&self, kind: IdKind, index: u64) -> String {
        let Scrambled { value: x, check } = self.scramble(kind, index);
        let mut nibbles = [0u8; 30];
        for (i, n) in nibbles.iter_mut().enumerate() {
            *n = if i < 16 {
                ((x >> (60 - 4 * i)) & 0xF) as u8
            } else {
                ((check >> (60 - 4 * (i - 16))) & 0xF) as u8
            };
        }
        format_uuid(&nibbles, (check & 0x3) as u8)
    }

    /// The index a UUID-shaped id names, or `None`.
    pub(crate) fn decode_uuid(&self, kind: IdKind, id: &str) -> Option<u64> {
        // Any string may come in: whatever its shape, only the id the index encodes to passes the
        // comparison at the end.
        let hex: Vec<u8> = id.bytes().filter(|b| *b != b'-').collect();
        if hex.len() != 32 {
            return None;
        }
        let mut x: u64 = 0;
        let mut free = 0;
        for (i, c) in hex.iter().enumerate() {
            if i == 12 || i == 16 {
                continue;
            }
            if free < 16 {
                let d = (*c as char).to_digit(16)?;
                x = (x << 4) | u64::from(d);
            }
            free += 1;
        }
        let index = self.unscramble(kind, x);
        (self.uuid(kind, index) == id.to_ascii_lowercase()).then_some(index)
    }
}

/// A random-looking version 4 UUID from 128 hash bits (for catalog ids that never need decoding).
pub(crate) fn uuid_from_hash(hi: u64, lo: u64) -> String {
    let mut nibbles = [0u8; 30];
    for (i, n) in nibbles.iter_mut().enumerate() {
        let (word, pos) = if i < 16 { (hi, i) } else { (lo, i - 16) };
        *n = ((word >> (60 - 4 * pos)) & 0xF) as u8;
    }
    format_uuid(&nibbles, (lo & 0x3) as u8)
}

/// Lays out 30 free nibbles around the fixed version nibble (4) and variant nibble (8..=b).
fn format_uuid(free: &[u8; 30], variant: u8) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    let mut it = free.iter();
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let nibble = match i {
            12 => 4,
            // RFC 4122 variant: 8, 9, a or b.
            16 => 8 | (variant & 0x3),
            _ => it.next().copied().unwrap_or(0),
        };
        out.push(HEX[usize::from(nibble)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const THING: IdKind = IdKind::new(5);
    const OTHER: IdKind = IdKind::new(6);

    #[test]
    fn scrambled_indexes_come_back_and_differ_per_kind_and_seed() {
        let c = IdCodec::new(7);
        for i in [0u64, 1, 2, 999, 1_000_000, u64::MAX] {
            let s = c.scramble(THING, i);
            assert_eq!(c.unscramble(THING, s.value), i);
            assert_ne!(c.scramble(OTHER, i), s);
            assert_ne!(IdCodec::new(8).scramble(THING, i), s);
        }
    }

    /// SplitMix64's published first output for seed 0, and the next.
    #[test]
    fn mix_is_splitmix64() {
        assert_eq!(mix(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(mix(0x9E37_79B9_7F4A_7C15), 0x6E78_9E6A_A1B9_65F4);
    }

    /// The ids a seed gives are the same in every release: fixtures recorded against the mock
    /// keep naming the same records.
    #[test]
    fn ids_are_stable_across_releases() {
        let c = IdCodec::new(7);
        assert_eq!(c.uuid(THING, 0), "4ec9db21-7c37-4cdf-9894-d579228ecd44");
        assert_eq!(c.uuid(OTHER, 123_456), "b596ebd2-61d4-4718-91de-0765143c7a9a");
        assert_eq!(
            uuid_from_hash(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210),
            "01234567-89ab-4cde-8ffe-dcba98765432"
        );
    }

    #[test]
    fn malformed_ids_decode_to_nothing() {
        let c = IdCodec::new(7);
        let id = c.uuid(THING, 42);
        assert_eq!(c.decode_uuid(THING, &id), Some(42));
        assert_eq!(c.decode_uuid(THING, &id.to_uppercase()), Some(42), "hex in either case");
        for bad in [
            format!("{id}-"),
            format!("-{id}"),
            id.replacen('-', "", 1),
            id.replacen('-', "--", 1),
            format!("{}é", &id[..35]),
            String::new(),
            "x".repeat(10_000),
        ] {
            assert_eq!(c.decode_uuid(THING, &bad), None, "{bad}");
        }
    }

    #[test]
    fn uuids_round_trip() {
        let c = IdCodec::new(7);
        for i in [0u64, 5, 123_456] {
            let id = c.uuid(THING, i);
            assert_eq!(id.len(), 36);
            assert_eq!(&id[14..15], "4");
            assert_eq!(c.decode_uuid(THING, &id), Some(i));
            assert_eq!(c.decode_uuid(OTHER, &id), None);
        }
        assert_eq!(c.decode_uuid(THING, "5cbdbdbe-5f44-4423-8157-520f8a2f429a"), None);
    }
}
