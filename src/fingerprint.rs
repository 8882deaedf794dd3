//! Fingerprints: 128-bit hashes of serializable values, to tell whether what a page or a
//! list is made from changed since the last build without keeping the values themselves.

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// A running hash of serializable values (their JSON form), 128 bits wide so that two
/// different inputs giving one fingerprint is not a practical concern.
pub(crate) struct Fingerprint(Xxh3);

impl Fingerprint {
    /// An empty fingerprint.
    pub(crate) fn new() -> Fingerprint {
        Fingerprint(Xxh3::new())
    }

    /// Adds `value`, framed so that `("ab", "c")` and `("a", "bc")` differ.
    pub(crate) fn add<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Writing into the hasher cannot fail; a value that cannot serialize would fail the
        // render too, so it is hashed as far as it went.
        let _ = serde_json::to_writer(&mut *self, value);
        self.0.update(&[0xff]);
    }

    /// Adds a fingerprint made elsewhere.
    pub(crate) fn add_hash(&mut self, hash: u128) {
        self.0.update(&hash.to_le_bytes());
    }

    /// The hash of everything added.
    pub(crate) fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The fingerprint of one value.
pub(crate) fn fingerprint_of<T: Serialize + ?Sized>(value: &T) -> u128 {
    let mut f = Fingerprint::new();
    f.add(value);
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_frame_their_values() {
        let hash = |parts: &[&str]| {
            let mut f = Fingerprint::new();
            for p in parts {
                f.add(p);
            }
            f.finish()
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        assert_eq!(hash(&["ab", "c"]), hash(&["ab", "c"]));
    }
}
