//! What a browser sends: `multipart/form-data` bodies read with bounds (200 MB a request,
//! 25 MB a file, 1 MB a text field, 256 parts), and uploaded photos checked by their bytes.

use std::io::Read;

use crate::content::image_info::{ImageFormat, image_info};
use crate::serve::conn::Request;

/// The most a request body may hold.
pub const MAX_REQUEST: usize = 200 * 1024 * 1024;
/// The most one uploaded file may hold.
pub const MAX_FILE: usize = 25 * 1024 * 1024;
/// The most one text field may hold.
const MAX_FIELD: usize = 1024 * 1024;
/// The most parts a form may have.
const MAX_PARTS: usize = 256;
/// The most a part's headers may hold.
const MAX_PART_HEAD: usize = 8 * 1024;

/// Why a request body was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum FormError {
    /// Larger than allowed (the whole request or one file).
    TooLarge,
    /// Not a form this editor sends.
    Malformed,
}

/// One uploaded file.
#[derive(Debug)]
pub struct Upload {
    /// The field it came in.
    pub field: String,
    /// The file name the browser gave.
    pub filename: String,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// A parsed form: text fields in order, and files.
#[derive(Debug, Default)]
pub struct Form {
    /// Text fields, in the order sent (a name may repeat).
    pub fields: Vec<(String, String)>,
    /// Files with a name and content.
    pub uploads: Vec<Upload>,
}

impl Form {
    /// The first value of field `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of field `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The file sent in field `name`, if any.
    pub fn upload(&self, name: &str) -> Option<&Upload> {
        self.uploads.iter().find(|u| u.field == name)
    }
}

/// Reads the body of `request` (which must say its length and be at most [`MAX_REQUEST`]).
pub fn read_body(request: &mut Request<'_>) -> Result<Vec<u8>, FormError> {
    let len = request.body_length().ok_or(FormError::Malformed)?;
    if len > MAX_REQUEST {
        return Err(FormError::TooLarge);
    }
    let mut body = Vec::with_capacity(len);
    request
        .body()
        .take(len as u64)
        .read_to_end(&mut body)
        .map_err(|_| FormError::Malformed)?;
    if body.len() != len {
        return Err(FormError::Malformed);
    }
    Ok(body)
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary_of(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    parts
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim_matches('"').to_string())
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while i + needle.len() <= haystack.len() {
        let at = haystack[i..].iter().position(|&b| b == first)? + i;
        if haystack.get(at..at + needle.len())? == needle {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Parses a `multipart/form-data` body with `boundary`.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Result<Form, FormError> {
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut form = Form::default();
    let mut pos = find(body, &delimiter, 0).ok_or(FormError::Malformed)? + delimiter.len();
    for _ in 0..=MAX_PARTS {
        match body.get(pos..pos + 2) {
            Some(b"--") => return Ok(form),
            Some(b"\r\n") => pos += 2,
            _ => return Err(FormError::Malformed),
        }
        let head_end = find(body, b"\r\n\r\n", pos).ok_or(FormError::Malformed)?;
        if head_end - pos > MAX_PART_HEAD {
            return Err(FormError::Malformed);
        }
        let head = std::str::from_utf8(&body[pos..head_end]).map_err(|_| FormError::Malformed)?;
        let (name, filename) = disposition(head).ok_or(FormError::Malformed)?;
        let start = head_end + 4;
        let end = find(body, &next_delimiter, start).ok_or(FormError::Malformed)?;
        let data = &body[start..end];
        match filename {
            Some(filename) => {
                if data.len() > MAX_FILE {
                    return Err(FormError::TooLarge);
                }
                if !filename.is_empty() || !data.is_empty() {
                    form.uploads.push(Upload {
                        field: name,
                        filename,
                        data: data.to_vec(),
                    });
                }
            }
            None => {
                if data.len() > MAX_FIELD {
                    return Err(FormError::TooLarge);
                }
                let value = String::from_utf8(data.to_vec()).map_err(|_| FormError::Malformed)?;
                form.fields.push((name, value));
            }
        }
        pos = end + next_delimiter.len();
    }
    Err(FormError::Malformed)
}

/// The `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head.lines().find(|l| {
        l.split(':')
            .next()
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let value = line.split_once(':')?.1;
    let mut name = None;
    let mut filename = None;
    for (key, val) in params(value) {
        match key.to_ascii_lowercase().as_str() {
            "name" => name = Some(val),
            "filename" => filename = Some(val),
            _ => {}
        }
    }
    Some((name?, filename))
}

/// `form-data; name="a"; filename="b;c.jpg"` as (key, value) pairs, quotes honoured.
fn params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ';' || c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() && chars.peek().is_none() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next()),
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ';' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        out.push((key.trim().to_string(), value));
    }
}

/// Why an uploaded photo is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PhotoProblem {
    /// The file name holds a folder (`/`, `\`, `..`) or starts with a dot.
    BadName,
    /// Its bytes are not a JPEG, PNG or WebP picture cerdas can read.
    NotAPhoto,
}

/// Checks an uploaded photo: a plain file name, and JPEG, PNG or WebP by its bytes (not its
/// name). Gives the extension its bytes call for.
pub fn check_photo(upload: &Upload) -> Result<&'static str, PhotoProblem> {
    let name = &upload.filename;
    if name.contains(['/', '\\', '\0']) || name.starts_with('.') || name.contains("..") {
        return Err(PhotoProblem::BadName);
    }
    let d = &upload.data;
    let by_magic = if d.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ImageFormat::Jpeg
    } else if d.starts_with(b"\x89PNG\r\n\x1a\n") {
        ImageFormat::Png
    } else if d.len() >= 12 && &d[..4] == b"RIFF" && &d[8..12] == b"WEBP" {
        ImageFormat::Webp
    } else {
        return Err(PhotoProblem::NotAPhoto);
    };
    match image_info(d) {
        Ok(info) if info.format == by_magic => Ok(match by_magic {
            ImageFormat::Png => "png",
            ImageFormat::Webp => "webp",
            _ => "jpg",
        }),
        _ => Err(PhotoProblem::NotAPhoto),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, filename, data) in parts {
            out.extend_from_slice(b"--XyZ\r\n");
            let disp = match filename {
                Some(f) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/jpeg\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            out.extend_from_slice(disp.as_bytes());
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XyZ--\r\n");
        out
    }

    #[test]
    fn fields_and_files_are_read() {
        let b = body(&[
            ("title", None, "Rapat: \"Tahap II\"\r\nbaris".as_bytes()),
            ("tags", None, b"a"),
            ("tags", None, b"b"),
            ("sampul", Some("IMG 1;2.jpg"), b"\xff\xd8\xff\r\n--Xy"),
            ("foto_1", Some(""), b""),
        ]);
        let f = parse_multipart(&b, "XyZ").unwrap();
        assert_eq!(f.get("title"), "Rapat: \"Tahap II\"\r\nbaris");
        assert_eq!(f.all("tags"), ["a", "b"]);
        let up = f.upload("sampul").unwrap();
        assert_eq!(up.filename, "IMG 1;2.jpg");
        assert_eq!(up.data, b"\xff\xd8\xff\r\n--Xy");
        assert!(f.upload("foto_1").is_none());
    }

    #[test]
    fn broken_bodies_are_refused() {
        assert_eq!(
            parse_multipart(b"garbage", "XyZ").unwrap_err(),
            FormError::Malformed
        );
        let mut b = body(&[("a", None, b"1")]);
        b.truncate(b.len() - 9);
        assert!(parse_multipart(&b, "XyZ").is_err());
        let big = vec![b'x'; MAX_FIELD + 1];
        assert_eq!(
            parse_multipart(&body(&[("a", None, &big)]), "XyZ").unwrap_err(),
            FormError::TooLarge
        );
    }

    #[test]
    fn boundary_is_read_from_the_content_type() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=----abc").as_deref(),
            Some("----abc")
        );
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"q\"").as_deref(),
            Some("q")
        );
        assert!(boundary_of("application/x-www-form-urlencoded").is_none());
    }

    #[test]
    fn photos_are_judged_by_their_bytes() {
        let up = |name: &str, data: &[u8]| Upload {
            field: "f".into(),
            filename: name.into(),
            data: data.to_vec(),
        };
        assert_eq!(
            check_photo(&up("catatan.jpg", b"bukan foto")),
            Err(PhotoProblem::NotAPhoto)
        );
        assert_eq!(
            check_photo(&up("../x.jpg", b"")),
            Err(PhotoProblem::BadName)
        );
        assert_eq!(
            check_photo(&up("/etc/x.jpg", b"")),
            Err(PhotoProblem::BadName)
        );
        let mut jpeg = Vec::new();
        image::RgbImage::new(8, 8)
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        assert_eq!(check_photo(&up("A.JPG", &jpeg)), Ok("jpg"));
    }
}
