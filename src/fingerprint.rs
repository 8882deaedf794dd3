//! Fingerprints (a foundation: takes nothing from the crate): 128-bit hashes of serializable values, to tell whether what a page or a
//! list is made from changed since the last build without keeping the values themselves.
//!
//! Values are fed to the hash through their `Serialize` form directly (no JSON text is made):
//! every value starts with a tag byte, strings and byte arrays carry their length, and
//! sequences, maps and structs end with a tag of their own, so two different values never
//! feed the same bytes.

use serde::Serialize;
use serde::ser::{self, Serializer};
use xxhash_rust::xxh3::Xxh3;

/// A running hash of serializable values, 128 bits wide so that two different inputs giving
/// one fingerprint is not a practical concern.
pub(crate) struct Fingerprint(Feed);

/// Bytes on their way to the hash, gathered first: a value is many small pieces (a tag, a
/// length, a field name), and handing each to the hash on its own costs more than hashing it.
/// The hash is the same however its input is cut.
struct Feed {
    hash: Xxh3,
    gathered: Vec<u8>,
}

/// How many bytes are gathered before they go to the hash.
const GATHER: usize = 2048;

impl Feed {
    #[inline]
    fn update(&mut self, bytes: &[u8]) {
        self.gathered.extend_from_slice(bytes);
        if self.gathered.len() >= GATHER {
            self.hash.update(&self.gathered);
            self.gathered.clear();
        }
    }

    #[inline]
    fn byte(&mut self, byte: u8) {
        self.update(&[byte]);
    }
}

impl Fingerprint {
    /// An empty fingerprint.
    pub(crate) fn new() -> Fingerprint {
        Fingerprint(Feed {
            hash: Xxh3::new(),
            gathered: Vec::with_capacity(GATHER + 64),
        })
    }

    /// Adds `value`; values frame themselves, so `("ab", "c")` and `("a", "bc")` differ.
    pub(crate) fn add<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Hashing cannot fail; a value whose `Serialize` fails would fail the render too, so
        // it is hashed as far as it went.
        let _ = value.serialize(ValueHasher(&mut self.0));
    }

    /// Adds a fingerprint made elsewhere.
    pub(crate) fn add_hash(&mut self, hash: u128) {
        self.0.byte(tag::HASH);
        self.0.update(&hash.to_le_bytes());
    }

    /// The hash of everything added.
    pub(crate) fn finish(&self) -> u128 {
        let mut hash = self.0.hash.clone();
        hash.update(&self.0.gathered);
        hash.digest128()
    }
}

/// The fingerprint of one value.
pub(crate) fn fingerprint_of<T: Serialize + ?Sized>(value: &T) -> u128 {
    let mut f = Fingerprint::new();
    f.add(value);
    f.finish()
}

/// The byte that starts each kind of value. `END` closes sequences, maps and structs; no
/// value starts with it, so where a compound value ends is never in doubt.
mod tag {
    pub const END: u8 = 0;
    pub const BOOL: u8 = 1;
    pub const INT: u8 = 2;
    pub const UINT: u8 = 3;
    pub const INT128: u8 = 4;
    pub const UINT128: u8 = 5;
    pub const FLOAT: u8 = 6;
    pub const CHAR: u8 = 7;
    pub const STR: u8 = 8;
    pub const BYTES: u8 = 9;
    pub const NONE: u8 = 10;
    pub const SOME: u8 = 11;
    pub const UNIT: u8 = 12;
    pub const VARIANT: u8 = 13;
    pub const NEWTYPE: u8 = 14;
    pub const SEQ: u8 = 15;
    pub const MAP: u8 = 16;
    pub const STRUCT: u8 = 17;
    pub const HASH: u8 = 18;
}

/// Feeds one value to the hash.
struct ValueHasher<'h>(&'h mut Feed);

/// Why a value could not be hashed: its own `Serialize` failed.
#[derive(Debug)]
struct HashError(String);

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HashError {}

impl ser::Error for HashError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        HashError(msg.to_string())
    }
}

impl ValueHasher<'_> {
    fn tagged(&mut self, tag: u8, bytes: &[u8]) {
        self.0.byte(tag);
        self.0.update(bytes);
    }

    fn text(&mut self, tag: u8, bytes: &[u8]) {
        self.0.byte(tag);
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }
}

type Done = Result<(), HashError>;

impl<'h> Serializer for ValueHasher<'h> {
    type Ok = ();
    type Error = HashError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    /// Not human-readable: a value that can stand for itself by a hash does so (a body's
    /// HTML kept deflated is hashed without being inflated).
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(mut self, v: bool) -> Done {
        self.tagged(tag::BOOL, &[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(mut self, v: i64) -> Done {
        self.tagged(tag::INT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(mut self, v: i128) -> Done {
        self.tagged(tag::INT128, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(mut self, v: u64) -> Done {
        self.tagged(tag::UINT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(mut self, v: u128) -> Done {
        self.tagged(tag::UINT128, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(mut self, v: f64) -> Done {
        self.tagged(tag::FLOAT, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(mut self, v: char) -> Done {
        self.tagged(tag::CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(mut self, v: &str) -> Done {
        self.text(tag::STR, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> Done {
        self.text(tag::BYTES, v);
        Ok(())
    }
    fn serialize_none(mut self) -> Done {
        self.tagged(tag::NONE, &[]);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(mut self, value: &T) -> Done {
        self.tagged(tag::SOME, &[]);
        value.serialize(self)
    }
    fn serialize_unit(mut self) -> Done {
        self.tagged(tag::UNIT, &[]);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(mut self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.text(tag::VARIANT, variant.as_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.text(tag::NEWTYPE, variant.as_bytes());
        value.serialize(self)
    }
    fn serialize_seq(mut self, _: Option<usize>) -> Result<Self, HashError> {
        self.tagged(tag::SEQ, &[]);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, HashError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, HashError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, HashError> {
        self.text(tag::NEWTYPE, variant.as_bytes());
        self.serialize_seq(None)
    }
    fn serialize_map(mut self, _: Option<usize>) -> Result<Self, HashError> {
        self.tagged(tag::MAP, &[]);
        Ok(self)
    }
    fn serialize_struct(mut self, _: &'static str, _: usize) -> Result<Self, HashError> {
        self.tagged(tag::STRUCT, &[]);
        Ok(self)
    }
    fn serialize_struct_variant(
        mut self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, HashError> {
        self.text(tag::NEWTYPE, variant.as_bytes());
        self.serialize_struct("", 0)
    }
}

impl ValueHasher<'_> {
    /// The next element, key or value of a compound value.
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(ValueHasher(&mut *self.0))
    }

    /// A struct field: its name, then its value.
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.text(tag::STR, key.as_bytes());
        self.element(value)
    }

    fn end(mut self) -> Done {
        self.tagged(tag::END, &[]);
        Ok(())
    }
}

/// The compound forms whose parts are values one after another, ended by [`tag::END`].
macro_rules! hash_elements {
    ($($form:ident :: $method:ident),*) => {$(
        impl ser::$form for ValueHasher<'_> {
            type Ok = ();
            type Error = HashError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
                self.element(value)
            }
            fn end(self) -> Done {
                ValueHasher::end(self)
            }
        }
    )*};
}

hash_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for ValueHasher<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.element(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        ValueHasher::end(self)
    }
}

/// The compound forms made of named fields, ended by [`tag::END`].
macro_rules! hash_fields {
    ($($form:ident),*) => {$(
        impl ser::$form for ValueHasher<'_> {
            type Ok = ();
            type Error = HashError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Done {
                self.field(key, value)
            }
            fn end(self) -> Done {
                ValueHasher::end(self)
            }
        }
    )*};
}

hash_fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn hash_all<T: Serialize>(parts: &[T]) -> u128 {
        let mut f = Fingerprint::new();
        for p in parts {
            f.add(p);
        }
        f.finish()
    }

    #[test]
    fn gathering_bytes_first_gives_the_hash_of_the_bytes() {
        let words: Vec<String> = (0..300).map(|i| format!("kata-{i}")).collect();
        let mut direct = Xxh3::new();
        direct.update(&[tag::SEQ]);
        for w in &words {
            direct.update(&[tag::STR]);
            direct.update(&(w.len() as u64).to_le_bytes());
            direct.update(w.as_bytes());
        }
        direct.update(&[tag::END]);
        assert_eq!(fingerprint_of(&words), direct.digest128());
    }

    #[test]
    fn fingerprints_frame_their_values() {
        assert_ne!(hash_all(&["ab", "c"]), hash_all(&["a", "bc"]));
        assert_eq!(hash_all(&["ab", "c"]), hash_all(&["ab", "c"]));
        assert_ne!(
            fingerprint_of(&vec![vec!["a"], vec!["b"]]),
            fingerprint_of(&vec![vec!["a", "b"]])
        );
        assert_ne!(
            fingerprint_of(&[vec![], vec![1]]),
            fingerprint_of(&[vec![1], vec![]])
        );
        assert_ne!(
            fingerprint_of(&Some("")),
            fingerprint_of(&Option::<&str>::None)
        );
        assert_ne!(fingerprint_of(&Some("")), fingerprint_of(&""));
    }

    #[test]
    fn fingerprints_see_names_and_values_of_fields() {
        #[derive(Serialize)]
        struct Card<'a> {
            title: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            image: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Other<'a> {
            name: &'a str,
        }
        let card = |title, image| fingerprint_of(&Card { title, image });
        assert_eq!(card("Bimtek", None), card("Bimtek", None));
        assert_ne!(card("Bimtek", None), card("Bimtek II", None));
        assert_ne!(card("Bimtek", None), card("Bimtek", Some("a.jpg")));
        assert_ne!(
            card("Bimtek", None),
            fingerprint_of(&Other { name: "Bimtek" })
        );
        let map = |k: &str, v: &str| fingerprint_of(&BTreeMap::from([(k.to_string(), v)]));
        assert_ne!(map("ab", "c"), map("a", "bc"));
        assert_ne!(fingerprint_of(&1.5f64), fingerprint_of(&-1.5f64));
        assert_ne!(fingerprint_of(&1u64), fingerprint_of(&1i64));
    }
}
