//! The CBOR of the index: a writer for what it holds (arrays, text, integers, in their
//! shortest forms, as Pagefind's own encoder writes them), and a reader of the postings this
//! writer wrote, to renumber their meta fields when pages are merged into a part and parts
//! into the whole index.

/// A CBOR writer.
#[derive(Default, Debug)]
pub struct Cbor(pub Vec<u8>);

impl Cbor {
    /// An item's head: its major type and its argument, in the fewest bytes.
    fn head(&mut self, major: u8, value: u64) {
        let major = major << 5;
        if value < 24 {
            self.0.push(major | value as u8);
        } else if value <= u64::from(u8::MAX) {
            self.0.extend_from_slice(&[major | 24, value as u8]);
        } else if value <= u64::from(u16::MAX) {
            self.0.push(major | 25);
            self.0.extend_from_slice(&(value as u16).to_be_bytes());
        } else if value <= u64::from(u32::MAX) {
            self.0.push(major | 26);
            self.0.extend_from_slice(&(value as u32).to_be_bytes());
        } else {
            self.0.push(major | 27);
            self.0.extend_from_slice(&value.to_be_bytes());
        }
    }

    pub fn unsigned(&mut self, value: u64) {
        self.head(0, value);
    }

    pub fn signed(&mut self, value: i64) {
        match u64::try_from(value) {
            Ok(v) => self.head(0, v),
            Err(_) => self.head(1, (-1 - value) as u64),
        }
    }

    pub fn array(&mut self, len: usize) {
        self.head(4, len as u64);
    }

    /// An array of numbers (page numbers).
    pub fn numbers(&mut self, numbers: &[usize]) {
        self.array(numbers.len());
        for &n in numbers {
            self.unsigned(n as u64);
        }
    }

    pub fn str(&mut self, text: &str) {
        self.head(3, text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }
}

/// The head at the start of `bytes`: its major type, its argument and its length; `None`
/// when `bytes` does not start with a head this writer writes.
fn read_head(bytes: &[u8]) -> Option<(u8, u64, usize)> {
    let first = *bytes.first()?;
    let (major, info) = (first >> 5, first & 0x1f);
    let width = match info {
        0..=23 => return Some((major, u64::from(info), 1)),
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        _ => return None,
    };
    let argument = bytes
        .get(1..=width)?
        .iter()
        .fold(0u64, |value, &b| (value << 8) | u64::from(b));
    Some((major, argument, 1 + width))
}

/// An integer at the start of `bytes`, and its length.
fn read_integer(bytes: &[u8]) -> Option<(i64, usize)> {
    match read_head(bytes)? {
        (0, value, len) => Some((i64::try_from(value).ok()?, len)),
        (1, value, len) => Some((-1 - i64::try_from(value).ok()?, len)),
        _ => None,
    }
}

/// Copies the postings `bytes` (the rest of one page's entry, its text positions then its
/// meta positions, followed by whole entries: `[page delta, [text], [meta]]`) to `out` with
/// each meta field marker `-(n + 1)` made `-(fields[n] + 1)`. `None` when `bytes` are not
/// such postings (then nothing is trusted of what was copied).
fn copy_renumbered(mut bytes: &[u8], fields: &[i32], out: &mut Cbor) -> Option<()> {
    let mut first = true;
    while !bytes.is_empty() {
        if !first {
            let (major, len, head) = read_head(bytes)?;
            let (_, delta_len) = read_integer(bytes.get(head..)?)?;
            if major != 4 || len != 3 {
                return None;
            }
            out.0.extend_from_slice(&bytes[..head + delta_len]);
            bytes = &bytes[head + delta_len..];
        }
        first = false;
        for renumber in [false, true] {
            let (major, count, head) = read_head(bytes)?;
            if major != 4 {
                return None;
            }
            out.array(count as usize);
            bytes = &bytes[head..];
            for _ in 0..count {
                let (value, len) = read_integer(bytes)?;
                let value = if renumber && value < 0 {
                    let local = usize::try_from(-value - 1).ok()?;
                    -i64::from(*fields.get(local)?) - 1
                } else {
                    value
                };
                out.signed(value);
                bytes = &bytes[len..];
            }
        }
    }
    Some(())
}

/// Copies the postings `bytes` (as [`copy_renumbered`] takes them) to `out`, their meta field
/// markers renumbered by `fields` when given; as they are when not, or when `bytes` are not
/// such postings.
pub fn copy_postings(bytes: &[u8], fields: Option<&[i32]>, out: &mut Cbor) {
    let before = out.0.len();
    if let Some(fields) = fields
        && copy_renumbered(bytes, fields, out).is_some()
    {
        return;
    }
    out.0.truncate(before);
    out.0.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_take_their_shortest_form() {
        let mut e = Cbor::default();
        e.signed(10);
        e.signed(-25);
        e.unsigned(500);
        e.signed(-169);
        e.array(2);
        e.str("ab");
        assert_eq!(
            e.0,
            vec![
                0x0a, 0x38, 24, 0x19, 0x01, 0xf4, 0x38, 168, 0x82, 0x62, b'a', b'b'
            ]
        );
    }

    /// The rest of a first entry ([text] [meta]), then a whole entry, with these meta field
    /// markers.
    fn postings(markers: [i64; 3]) -> Cbor {
        let mut e = Cbor::default();
        e.array(2);
        e.signed(-25);
        e.signed(300);
        e.array(2);
        e.signed(markers[0]);
        e.signed(4);
        e.array(3);
        e.unsigned(7);
        e.array(0);
        e.array(3);
        e.signed(markers[1]);
        e.signed(0);
        e.signed(markers[2]);
        e
    }

    #[test]
    fn meta_markers_are_renumbered_and_the_rest_copied() {
        let mut out = Cbor::default();
        let written = postings([-1, -2, -1]);
        assert_eq!(copy_renumbered(&written.0, &[2, 30], &mut out), Some(()));
        assert_eq!(out.0, postings([-3, -31, -3]).0);
        assert_eq!(copy_renumbered(&[0xff], &[0], &mut Cbor::default()), None);
    }

    #[test]
    fn postings_are_copied_renumbered_or_as_they_are() {
        let written = postings([-1, -2, -1]);
        let copied = |fields: Option<&[i32]>, bytes: &[u8]| {
            let mut out = Cbor(vec![0x80]);
            copy_postings(bytes, fields, &mut out);
            out.0
        };
        assert_eq!(
            copied(Some(&[2, 30]), &written.0)[1..],
            postings([-3, -31, -3]).0
        );
        assert_eq!(copied(None, &written.0)[1..], written.0);
        assert_eq!(
            copied(Some(&[2]), &written.0)[1..],
            written.0,
            "a field it does not know"
        );
        assert_eq!(copied(Some(&[0]), &[0xff]), vec![0x80, 0xff]);
    }
}
