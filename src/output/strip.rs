//! Removing metadata from pictures published as they are (`static/`, files beside a page):
//! EXIF (with a phone's GPS position and camera serial), XMP, IPTC and text chunks go; the
//! pixels are not touched (no decoding, no re-encoding), so the file is otherwise the same
//! bytes. A file with nothing to remove is returned as it was.
//!
//! - JPEG: every APPn segment but APP0 (JFIF), APP2 `ICC_PROFILE` and APP14 `Adobe` (which
//!   says how to read the colours), and comments, are dropped before the first scan. The EXIF
//!   orientation, when the photo is turned, is kept in a new minimal EXIF segment holding that
//!   one tag, so the photo still shows upright.
//! - PNG: `eXIf`, `tEXt`, `iTXt`, `zTXt` and `tIME` chunks are dropped, and anything after
//!   `IEND`.
//! - WebP: `EXIF` and `XMP ` chunks are dropped, the flags of `VP8X` and the RIFF size fixed.

use std::borrow::Cow;

use crate::error::Text;

/// `bytes` without metadata when it is a JPEG, PNG or WebP; other files as they are. A
/// picture whose structure cannot be followed is an error (message, hint): publishing it as
/// it is could leak what it carries.
pub fn strip_metadata(bytes: &[u8]) -> Result<Cow<'_, [u8]>, (Text, Text)> {
    let stripped = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        strip_jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        strip_png(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        strip_webp(bytes)
    } else {
        return Ok(Cow::Borrowed(bytes));
    };
    match stripped {
        Some(Some(out)) => Ok(Cow::Owned(out)),
        Some(None) => Ok(Cow::Borrowed(bytes)),
        None => Err(damaged()),
    }
}

fn damaged() -> (Text, Text) {
    (
        Text::new(
            "gambar ini rusak atau terpotong, sehingga data EXIF/GPS-nya tidak dapat dihapus dengan aman",
            "this picture is damaged or cut short, so its EXIF/GPS data cannot be removed safely",
        ),
        Text::new(
            "simpan ulang gambar itu dari aplikasi pengolah foto, atau letakkan di folder berita agar dibuat ulang",
            "save the picture again from a photo editor, or put it in a news folder to have it made again",
        ),
    )
}

/// `None`: cannot be followed; `Some(None)`: nothing to remove; `Some(Some(out))`: stripped.
type Stripped = Option<Option<Vec<u8>>>;

/// The JPEG `b` without its metadata segments.
fn strip_jpeg(b: &[u8]) -> Stripped {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut orientation = None;
    let mut removed = false;
    let mut i = 2;
    loop {
        // Markers may be padded with any number of 0xFF fill bytes.
        if *b.get(i)? != 0xFF {
            return None;
        }
        while b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let marker = *b.get(i + 1)?;
        match marker {
            // Standalone markers: TEM, RSTn.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                i += 2;
                continue;
            }
            // End of image before any scan: nothing more to copy.
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                break;
            }
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        let end = i.checked_add(2 + len)?;
        let segment = b.get(i..end)?;
        let payload = &segment[4..];
        if marker == 0xDA {
            // Start of scan: the compressed picture and everything after it stay as they are.
            out.extend_from_slice(&b[i..]);
            break;
        }
        let keep = match marker {
            0xE0 => payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0"),
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xEE => payload.starts_with(b"Adobe"),
            0xE1..=0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        } else {
            removed = true;
            if marker == 0xE1 && payload.starts_with(b"Exif\0\0") {
                orientation = orientation.or(tiff_orientation(&payload[6..]));
            }
        }
        i = end;
    }
    if !removed {
        return Some(None);
    }
    if let Some(o) = orientation.filter(|o| (2..=8).contains(o)) {
        let at = after_jfif(&out);
        out.splice(at..at, orientation_segment(o));
    }
    Some(Some(out))
}

/// Where a new APP1 segment goes: after SOI and a leading APP0 (JFIF wants to be first).
fn after_jfif(jpeg: &[u8]) -> usize {
    if jpeg.get(2..4) == Some(&[0xFF, 0xE0]) {
        let len = jpeg
            .get(4..6)
            .map_or(0, |l| usize::from(u16::from_be_bytes([l[0], l[1]])));
        (4 + len).min(jpeg.len())
    } else {
        2
    }
}

/// An APP1 EXIF segment holding nothing but the orientation `o` (big-endian TIFF, one IFD
/// entry: tag 0x0112, SHORT, count 1).
fn orientation_segment(o: u8) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2A\0\0\0\x08");
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, o, 0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut seg = vec![0xFF, 0xE1];
    let len = (2 + 6 + tiff.len()) as u16;
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

/// The orientation tag of the first IFD of a TIFF header, if any.
fn tiff_orientation(tiff: &[u8]) -> Option<u8> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |i: usize| -> Option<u16> {
        let b = tiff.get(i..i + 2)?;
        Some(if big {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let b = tiff.get(i..i + 4)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(512)).find_map(|n| {
        let entry = ifd + 2 + n * 12;
        (u16_at(entry)? == 0x0112)
            .then(|| u16_at(entry + 8).and_then(|v| u8::try_from(v).ok()))
            .flatten()
    })
}

/// The PNG `b` without its text, time and EXIF chunks.
fn strip_png(b: &[u8]) -> Stripped {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..8]);
    let mut removed = false;
    let mut i = 8;
    loop {
        let len = u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?);
        let end = i.checked_add(12)?.checked_add(usize::try_from(len).ok()?)?;
        let chunk = b.get(i..end)?;
        let kind = &chunk[4..8];
        if matches!(kind, b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt" | b"tIME") {
            removed = true;
        } else {
            out.extend_from_slice(chunk);
        }
        i = end;
        if kind == b"IEND" {
            removed |= i < b.len();
            break;
        }
    }
    Some(removed.then_some(out))
}

/// The WebP `b` without its EXIF and XMP chunks.
fn strip_webp(b: &[u8]) -> Stripped {
    const EXIF_FLAG: u8 = 0x08;
    const XMP_FLAG: u8 = 0x04;
    let riff_len = usize::try_from(u32::from_le_bytes(b.get(4..8)?.try_into().ok()?)).ok()?;
    let body_end = riff_len.checked_add(8)?;
    let body = b.get(12..body_end)?;
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..12]);
    let mut removed = body_end < b.len();
    let mut i = 0;
    while i < body.len() {
        let kind = body.get(i..i + 4)?;
        let len =
            usize::try_from(u32::from_le_bytes(body.get(i + 4..i + 8)?.try_into().ok()?)).ok()?;
        // Chunks are padded to an even length; a last chunk may lack its pad byte.
        let end = i.checked_add(8)?.checked_add(len)?;
        let padded = (end + (len & 1)).min(body.len());
        body.get(i..end)?;
        if kind == b"EXIF" || kind == b"XMP " {
            removed = true;
        } else {
            out.extend_from_slice(&body[i..padded]);
        }
        i = padded;
    }
    if !removed {
        return Some(None);
    }
    if out.get(12..16) == Some(b"VP8X") && out.len() > 20 {
        out[20] &= !(EXIF_FLAG | XMP_FLAG);
    }
    let size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Some(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// A JPEG-shaped file: SOI, the given segments, a scan and EOI.
    fn jpeg(segments: &[Vec<u8>]) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        for s in segments {
            b.extend_from_slice(s);
        }
        b.extend_from_slice(&segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        b.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9]);
        b
    }

    fn exif(orientation: u16, gps: &[u8]) -> Vec<u8> {
        let mut p = b"Exif\0\0II\x2A\0\x08\0\0\0".to_vec();
        p.extend_from_slice(&2u16.to_le_bytes());
        p.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        p.extend_from_slice(&orientation.to_le_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        p.extend_from_slice(&0u32.to_le_bytes());
        p.extend_from_slice(gps);
        p
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_exif_xmp_and_comments_but_keeps_jfif_icc_adobe_and_the_scan() {
        let jfif = segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let icc = segment(0xE2, b"ICC_PROFILE\0\x01\x01profil");
        let adobe = segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01");
        let dqt = segment(0xDB, &[0; 65]);
        let input = jpeg(&[
            jfif.clone(),
            segment(0xE1, &exif(1, b"GPS-LAT-0.3")),
            segment(
                0xE1,
                b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Kamera</x:xmpmeta>",
            ),
            segment(0xED, b"Photoshop 3.0\0IPTC kota"),
            segment(0xFE, b"komentar rahasia"),
            icc.clone(),
            adobe.clone(),
            dqt.clone(),
        ]);
        let out = strip_metadata(&input).unwrap();
        for secret in [&b"GPS-LAT"[..], b"xmpmeta", b"IPTC", b"rahasia", b"Exif"] {
            assert!(!contains(&out, secret), "{secret:?} left");
        }
        let expected = jpeg(&[jfif, icc, adobe, dqt]);
        assert_eq!(out.as_ref(), expected.as_slice());
        assert!(image_decodes_as_jpeg_shape(&out));
    }

    fn image_decodes_as_jpeg_shape(b: &[u8]) -> bool {
        b.starts_with(&[0xFF, 0xD8]) && b.ends_with(&[0xFF, 0xD9])
    }

    #[test]
    fn a_turned_photo_keeps_only_its_orientation() {
        let jfif = segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let input = jpeg(&[jfif.clone(), segment(0xE1, &exif(6, b"GPS-LAT"))]);
        let out = strip_metadata(&input).unwrap();
        assert!(!contains(&out, b"GPS-LAT"));
        // The new EXIF segment, holding the orientation alone, follows JFIF.
        assert_eq!(out[2..2 + jfif.len()], jfif[..]);
        assert_eq!(tiff_orientation(&out[2 + jfif.len() + 10..]), Some(6));
        assert_eq!(
            out.len(),
            input.len() - (exif(6, b"GPS-LAT").len() + 4) + 36
        );
    }

    #[test]
    fn files_without_metadata_are_left_as_they_are() {
        let plain = jpeg(&[segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")]);
        assert!(matches!(strip_metadata(&plain), Ok(Cow::Borrowed(_))));
        assert!(matches!(
            strip_metadata(b"%PDF-1.7 bukan gambar"),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn a_cut_jpeg_is_refused() {
        let mut input = jpeg(&[segment(0xE1, &exif(1, b"GPS"))]);
        input.truncate(10);
        assert!(strip_metadata(&input).is_err());
    }

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[1, 2, 3, 4]);
        c
    }

    #[test]
    fn png_loses_text_time_and_exif_chunks() {
        let sig = b"\x89PNG\r\n\x1a\n".to_vec();
        let ihdr = png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        let idat = png_chunk(b"IDAT", b"piksel");
        let iend = png_chunk(b"IEND", b"");
        let mut input = sig.clone();
        for c in [
            ihdr.clone(),
            png_chunk(b"tEXt", b"Author\0Humas"),
            png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
            png_chunk(b"zTXt", b"Comment\0\0zz"),
            png_chunk(b"eXIf", b"MM\0*GPS"),
            png_chunk(b"tIME", &[7, 230, 1, 1, 0, 0, 0]),
            idat.clone(),
            iend.clone(),
        ] {
            input.extend_from_slice(&c);
        }
        input.extend_from_slice(b"sisa setelah IEND");
        let out = strip_metadata(&input).unwrap();
        let expected = [sig, ihdr, idat, iend].concat();
        assert_eq!(out.as_ref(), expected.as_slice());
        let mut cut = expected.clone();
        cut.truncate(20);
        assert!(strip_metadata(&cut).is_err());
    }

    fn webp_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = kind.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut b = b"RIFF".to_vec();
        b.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
        b.extend_from_slice(b"WEBP");
        b.extend_from_slice(&body);
        b
    }

    #[test]
    fn webp_loses_exif_and_xmp_and_its_header_says_so() {
        let vp8x = |flags: u8| webp_chunk(b"VP8X", &[flags, 0, 0, 0, 9, 0, 0, 9, 0, 0]);
        let vp8 = webp_chunk(b"VP8 ", b"piksel-ganjil");
        let input = riff(&[
            vp8x(0x08 | 0x04 | 0x10),
            vp8.clone(),
            webp_chunk(b"EXIF", b"II*\0GPS"),
            webp_chunk(b"XMP ", b"<x:xmpmeta/>"),
        ]);
        let out = strip_metadata(&input).unwrap();
        let expected = riff(&[vp8x(0x10), vp8.clone()]);
        assert_eq!(out.as_ref(), expected.as_slice());
        let simple = riff(&[vp8]);
        assert!(matches!(strip_metadata(&simple), Ok(Cow::Borrowed(_))));
        let mut cut = input.clone();
        cut.truncate(30);
        assert!(strip_metadata(&cut).is_err());
    }

    #[test]
    fn a_real_encoded_jpeg_still_decodes_after_stripping() {
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 10, 10]));
        let mut encoded = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut encoded)
            .encode_image(&img)
            .unwrap();
        // Put an EXIF segment with GPS right after SOI.
        let mut with_exif = encoded[..2].to_vec();
        with_exif.extend_from_slice(&segment(0xE1, &exif(1, b"GPS-LAT")));
        with_exif.extend_from_slice(&encoded[2..]);
        let out = strip_metadata(&with_exif).unwrap();
        assert!(!contains(&out, b"GPS-LAT"));
        assert_eq!(out.as_ref(), encoded.as_slice());
        let decoded = image::load_from_memory(&out).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (8, 8));
    }
}
