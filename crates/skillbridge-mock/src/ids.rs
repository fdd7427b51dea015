//! Deterministic, invertible identifiers.
//!
//! Every id the mock serves is derived from a record's index and the seed, so nothing but the
//! index has to be stored. The ids look random (like Kombo's 24-character ids) but decode back to
//! the index in O(1), which is what makes `ids=` filters and keyset cursors cheap on a million
//! records. A check part makes random or foreign strings decode to "no such record".

/// Base58 (Bitcoin alphabet): the characters Kombo's ids are drawn from.
const B58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

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

/// What an id names; each kind has its own key so ids of one kind never decode as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdKind {
    Expectation = 1,
    StaffingEntity = 2,
    Skill = 3,
    Integration = 4,
    Employee = 5,
}

/// A 24-character Kombo-style id, kept on the stack so serialising a page allocates little.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct KomboId([u8; 24]);

impl KomboId {
    pub(crate) fn as_str(&self) -> &str {
        // Only base58 ASCII is ever written into the buffer.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Debug for KomboId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for KomboId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn write_b58(out: &mut [u8], mut v: u64) {
    for slot in out.iter_mut().rev() {
        *slot = B58[(v % 58) as usize];
        v /= 58;
    }
}

fn read_b58(s: &[u8]) -> Option<u128> {
    let mut v: u128 = 0;
    for c in s {
        let d = B58.iter().position(|x| x == c)?;
        v = v.checked_mul(58)?.checked_add(d as u128)?;
    }
    Some(v)
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
        hash3(self.seed, 0x1D5 + kind as u64, 0)
    }

    /// 11 base58 characters carry the permuted index (58^11 > 2^64); 13 more are a check.
    pub(crate) fn kombo(&self, kind: IdKind, index: u64) -> KomboId {
        let key = self.key(kind);
        let x = permute(key, index);
        let check = mix(key ^ x);
        let mut buf = [0u8; 24];
        write_b58(&mut buf[..11], x);
        write_b58(&mut buf[11..22], check);
        write_b58(&mut buf[22..], mix(check) % (58 * 58));
        KomboId(buf)
    }

    /// The index an id names, or `None` for anything this codec did not produce.
    pub(crate) fn decode_kombo(&self, kind: IdKind, id: &str) -> Option<u64> {
        let bytes = id.as_bytes();
        if bytes.len() != 24 {
            return None;
        }
        let x = u64::try_from(read_b58(&bytes[..11])?).ok()?;
        let expected = self.kombo(kind, unpermute(self.key(kind), x));
        (expected.0 == bytes).then(|| unpermute(self.key(kind), x))
    }

    /// A UUID-shaped id (version 4 and variant nibbles set) that decodes back to the index:
    /// 16 of its 30 free nibbles carry the permuted index, 14 are a check.
    pub(crate) fn uuid(&self, kind: IdKind, index: u64) -> String {
        let key = self.key(kind);
        let x = permute(key, index);
        let check = mix(key ^ x);
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
        if id.len() != 36 || !id.is_ascii() {
            return None;
        }
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
        let index = unpermute(self.key(kind), x);
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

    #[test]
    fn kombo_ids_round_trip_and_reject_others() {
        let c = IdCodec::new(7);
        for i in [0u64, 1, 2, 999, 1_000_000, u64::from(u32::MAX)] {
            let id = c.kombo(IdKind::Expectation, i);
            assert_eq!(id.as_str().len(), 24);
            assert_eq!(c.decode_kombo(IdKind::Expectation, id.as_str()), Some(i));
            assert_eq!(c.decode_kombo(IdKind::Skill, id.as_str()), None);
            assert_eq!(IdCodec::new(8).decode_kombo(IdKind::Expectation, id.as_str()), None);
        }
        assert_eq!(c.decode_kombo(IdKind::Expectation, "C8gqYqWk6N3qjvJ8vh5o3VtH"), None);
        assert_eq!(c.decode_kombo(IdKind::Expectation, "short"), None);
    }

    #[test]
    fn uuids_round_trip() {
        let c = IdCodec::new(7);
        for i in [0u64, 5, 123_456] {
            let id = c.uuid(IdKind::Employee, i);
            assert_eq!(id.len(), 36);
            assert_eq!(&id[14..15], "4");
            assert_eq!(c.decode_uuid(IdKind::Employee, &id), Some(i));
        }
        assert_eq!(
            c.decode_uuid(IdKind::Employee, "5cbdbdbe-5f44-4423-8157-520f8a2f429a"),
            None
        );
    }
}
