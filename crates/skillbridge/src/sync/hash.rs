//! The content hash a snapshot comparison keeps per record: 64-bit FNV-1a over the record's JSON.
//!
//! Persisted, so it must not change between releases or platforms: `std`'s `DefaultHasher` makes no
//! such promise. FNV-1a is a few lines, and serialising straight into it allocates nothing.

use std::io;

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

struct Fnv1a(u64);

impl io::Write for Fnv1a {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(PRIME);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The content hash of a record: equal for records that serialise alike.
pub(crate) fn content_hash<T: serde::Serialize>(record: &T) -> u64 {
    let mut hasher = Fnv1a(OFFSET_BASIS);
    // Writing into the hasher cannot fail; a record that does not serialise hashes as what was written.
    let _ = serde_json::to_writer(&mut hasher, record);
    hasher.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_of_the_json_and_tells_contents_apart() {
        // The published FNV-1a 64 test vectors: "" and "a".
        assert_eq!(Fnv1a(OFFSET_BASIS).0, 0xcbf2_9ce4_8422_2325);
        let mut a = Fnv1a(OFFSET_BASIS);
        io::Write::write_all(&mut a, b"a").expect("infallible");
        assert_eq!(a.0, 0xaf63_dc4c_8601_ec8c);
        // A string hashes as its JSON, quotes included.
        let mut quoted = Fnv1a(OFFSET_BASIS);
        io::Write::write_all(&mut quoted, b"\"a\"").expect("infallible");
        assert_eq!(content_hash(&"a"), quoted.0);
        assert_ne!(content_hash(&[1, 2]), content_hash(&[2, 1]));
    }
}
