//! Kombo's ids: 24 base58 characters, like Kombo's own, written from the harness's scrambled index
//! (11 characters carry it, 58^11 > 2^64; 13 more are a check) so that they decode back in O(1).

use crate::ids::{IdCodec, IdKind};

/// Base58 (Bitcoin alphabet): the characters Kombo's ids are drawn from.
const B58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// A skill expectation.
pub(super) const EXPECTATION: IdKind = IdKind::new(1);
/// A staffing entity.
pub(super) const STAFFING_ENTITY: IdKind = IdKind::new(2);
/// A skill of the catalog.
pub(super) const SKILL: IdKind = IdKind::new(3);
/// The integration (the default `X-Integration-Id`).
pub(super) const INTEGRATION: IdKind = IdKind::new(4);

/// A 24-character Kombo id, kept on the stack so serialising a page allocates little.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct KomboId([u8; 24]);

impl KomboId {
    pub(super) fn as_str(&self) -> &str {
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

/// Writes and reads Kombo ids for one seed.
#[derive(Clone, Copy, Debug)]
pub(super) struct KomboIds(IdCodec);

impl KomboIds {
    pub(super) fn new(seed: u64) -> Self {
        Self(IdCodec::new(seed))
    }

    /// The id of record `index` of `kind`.
    pub(super) fn encode(&self, kind: IdKind, index: u64) -> KomboId {
        let scrambled = self.0.scramble(kind, index);
        let mut buf = [0u8; 24];
        write_b58(&mut buf[..11], scrambled.value);
        write_b58(&mut buf[11..22], scrambled.check);
        // Two digits: the low base-58 digits of a mix of the check.
        write_b58(&mut buf[22..], crate::ids::mix(scrambled.check));
        KomboId(buf)
    }

    /// The index an id names, or `None` for anything this seed did not produce.
    pub(super) fn decode(&self, kind: IdKind, id: &str) -> Option<u64> {
        let bytes = id.as_bytes();
        if bytes.len() != 24 {
            return None;
        }
        let value = u64::try_from(read_b58(&bytes[..11])?).ok()?;
        let index = self.0.unscramble(kind, value);
        (self.encode(kind, index).0 == bytes).then_some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kombo_ids_round_trip_and_reject_others() {
        let c = KomboIds::new(7);
        for i in [0u64, 1, 2, 999, 1_000_000, u64::from(u32::MAX)] {
            let id = c.encode(EXPECTATION, i);
            assert_eq!(id.as_str().len(), 24);
            assert_eq!(c.decode(EXPECTATION, id.as_str()), Some(i));
            assert_eq!(c.decode(SKILL, id.as_str()), None);
            assert_eq!(KomboIds::new(8).decode(EXPECTATION, id.as_str()), None);
        }
        assert_eq!(c.decode(EXPECTATION, "C8gqYqWk6N3qjvJ8vh5o3VtH"), None);
        assert_eq!(c.decode(EXPECTATION, "short"), None);
    }
}
