//! What a picture is, read from the first bytes of its file: format and pixel size, so pages
//! can give `<img>` its width and height (no layout shift while it loads). A file that is not
//! a picture, is cut short, or is an SVG carrying script is refused here.

use std::path::Path;

use serde::Serialize;

use crate::error::Text;

/// The formats cerdas publishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// JPEG photographs.
    Jpeg,
    /// PNG images.
    Png,
    /// GIF images.
    Gif,
    /// WebP images.
    Webp,
    /// SVG drawings (sizes from their `width`/`height` when given in pixels).
    Svg,
}

/// A picture's format and size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// The format found in the file's first bytes.
    pub format: ImageFormat,
    /// Width in pixels as shown (after the EXIF orientation), when known.
    pub width: Option<u32>,
    /// Height in pixels as shown (after the EXIF orientation), when known.
    pub height: Option<u32>,
    /// The EXIF orientation of a JPEG (1 = upright, 2-8 = flipped and/or turned).
    pub orientation: u8,
    /// Whether the picture can have transparent pixels (PNG alpha or `tRNS`, WebP alpha).
    pub alpha: bool,
    /// A hash of the file's bytes: names the published variants, keys the cache.
    pub hash: u64,
}

/// The largest picture cerdas will decode: 100 megapixels, 20,000 pixels on a side. A phone
/// photo is 12-50 megapixels; anything larger is a mistake or a decompression bomb.
pub const MAX_PIXELS: u64 = 100_000_000;
/// The longest side cerdas will decode.
pub const MAX_SIDE: u32 = 20_000;

/// Reads the picture at `path`; the error is a message and a hint.
pub fn read_image_info(path: &Path) -> Result<ImageInfo, (Text, Text)> {
    let bytes = std::fs::read(path).map_err(|e| {
        let reason = crate::error::io_reason(&e);
        (
            Text::new(
                format!("gambar tidak dapat dibaca: {}", reason.id),
                format!("the image cannot be read: {}", reason.en),
            ),
            Text::new(
                "periksa bahwa berkas itu ada dan dapat dibuka",
                "check that the file exists and can be opened",
            ),
        )
    })?;
    image_info(&bytes)
}

/// Reads a picture's format and size from its bytes.
pub fn image_info(bytes: &[u8]) -> Result<ImageInfo, (Text, Text)> {
    let info = header_info(bytes)?;
    if let (Some(w), Some(h)) = (info.width, info.height) {
        check_limits(w, h)?;
    }
    Ok(info)
}

fn header_info(bytes: &[u8]) -> Result<ImageInfo, (Text, Text)> {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes);
    let sized = |format, (w, h): (u32, u32)| ImageInfo {
        format,
        width: Some(w),
        height: Some(h),
        orientation: 1,
        alpha: false,
        hash,
    };
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let (w, h) = jpeg_size(bytes).ok_or_else(truncated)?;
        if !jpeg_has_end(bytes) {
            return Err(cut_short());
        }
        let orientation = jpeg_orientation(bytes).unwrap_or(1);
        let size = if orientation >= 5 { (h, w) } else { (w, h) };
        return Ok(ImageInfo {
            orientation,
            ..sized(ImageFormat::Jpeg, size)
        });
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let size = png_size(bytes).ok_or_else(truncated)?;
        return Ok(ImageInfo {
            alpha: png_alpha(bytes),
            ..sized(ImageFormat::Png, size)
        });
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        let size = (bytes.len() >= 10).then(|| {
            (
                u32::from(u16::from_le_bytes([bytes[6], bytes[7]])),
                u32::from(u16::from_le_bytes([bytes[8], bytes[9]])),
            )
        });
        return size
            .map(|s| sized(ImageFormat::Gif, s))
            .ok_or_else(truncated);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        let size = webp_size(bytes).ok_or_else(truncated)?;
        return Ok(ImageInfo {
            alpha: webp_alpha(bytes),
            ..sized(ImageFormat::Webp, size)
        });
    }
    if let Some(text) = svg_text(bytes) {
        check_svg(text)?;
        return Ok(ImageInfo {
            format: ImageFormat::Svg,
            width: svg_px(text, "width"),
            height: svg_px(text, "height"),
            orientation: 1,
            alpha: true,
            hash,
        });
    }
    Err((
        Text::new(
            "berkas ini bukan gambar JPEG, PNG, GIF, WebP atau SVG",
            "this file is not a JPEG, PNG, GIF, WebP or SVG image",
        ),
        Text::new(
            "simpan ulang foto sebagai .jpg atau .png dari aplikasi foto, lalu coba lagi",
            "save the photo again as .jpg or .png from a photo app, then try again",
        ),
    ))
}

fn truncated() -> (Text, Text) {
    (
        Text::new(
            "gambar rusak atau terpotong: ukurannya tidak dapat dibaca",
            "the image is damaged or cut short: its size cannot be read",
        ),
        Text::new(
            "salin ulang foto dari sumber aslinya",
            "copy the photo again from its source",
        ),
    )
}

/// Refuses pictures too large to decode safely (a decompression bomb declares a huge size in a
/// few bytes).
fn check_limits(w: u32, h: u32) -> Result<(), (Text, Text)> {
    if w <= MAX_SIDE && h <= MAX_SIDE && u64::from(w) * u64::from(h) <= MAX_PIXELS {
        return Ok(());
    }
    Err((
        Text::new(
            format!(
                "gambar terlalu besar: {w} x {h} piksel (paling besar {} megapiksel, {MAX_SIDE} piksel per sisi)",
                MAX_PIXELS / 1_000_000
            ),
            format!(
                "the image is too large: {w} x {h} pixels (at most {} megapixels, {MAX_SIDE} pixels a side)",
                MAX_PIXELS / 1_000_000
            ),
        ),
        Text::new(
            "perkecil foto di aplikasi foto (lebar 4000 piksel sudah lebih dari cukup), lalu simpan ulang",
            "shrink the photo in a photo app (4000 pixels wide is more than enough), then save it again",
        ),
    ))
}

fn cut_short() -> (Text, Text) {
    (
        Text::new(
            "foto terpotong: bagian akhir berkasnya hilang (salinan atau unggahan yang tidak selesai)",
            "the photo is cut short: the end of the file is missing (an unfinished copy or upload)",
        ),
        Text::new(
            "salin ulang foto dari sumber aslinya",
            "copy the photo again from its source",
        ),
    )
}

fn be16(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])))
}

/// One marker segment of a JPEG's header.
struct JpegSegment<'a> {
    /// The marker byte (0xC0 start of frame, 0xE1 APP1, 0xDA start of scan, ...).
    marker: u8,
    /// Where the segment starts in the file.
    offset: usize,
    /// The segment's bytes after its length.
    data: &'a [u8],
}

/// The marker segments of a JPEG, up to and including the start of scan (after which the
/// image data begins); stops early at anything that is not a marker.
fn jpeg_segments(b: &[u8]) -> impl Iterator<Item = JpegSegment<'_>> {
    let mut i = 2;
    std::iter::from_fn(move || {
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1; // fill bytes
        }
        if b.get(i) != Some(&0xFF) || b.get(i + 1) == Some(&0xD9) {
            return None;
        }
        let marker = *b.get(i + 1)?;
        let len = be16(b, i + 2)? as usize;
        let segment = JpegSegment {
            marker,
            offset: i,
            data: b.get(i + 4..i + 2 + len)?,
        };
        i = if marker == 0xDA { b.len() } else { i + 2 + len };
        Some(segment)
    })
}

/// The size in a JPEG's first start-of-frame segment (baseline, progressive, ...).
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let is_sof = |m: u8| matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC);
    let frame = jpeg_segments(b).find(|s| is_sof(s.marker))?;
    let (h, w) = (be16(frame.data, 1)?, be16(frame.data, 3)?);
    (w > 0 && h > 0).then_some((w, h))
}

/// The EXIF orientation tag (0x0112) of a JPEG's APP1 segment, when it has one.
pub fn jpeg_orientation(b: &[u8]) -> Option<u8> {
    jpeg_segments(b)
        .find(|s| s.marker == 0xE1 && s.data.starts_with(b"Exif\0\0"))
        .and_then(|s| exif_orientation(&s.data[6..]))
}

/// Whether a JPEG's image data is followed by its end marker. Inside the data a 0xFF byte is
/// always followed by 0x00 or a restart marker, so the first FF D9 after the start of scan is
/// the end; a file cut short has none. (Bytes after the end, such as a phone's motion-photo
/// video, do not matter.)
fn jpeg_has_end(b: &[u8]) -> bool {
    const END: [u8; 2] = [0xFF, 0xD9];
    jpeg_segments(b)
        .find(|s| s.marker == 0xDA)
        .is_some_and(|scan| {
            let data = &b[scan.offset..];
            // Most photos end with it: no need to look through megabytes of image data.
            data.ends_with(&END) || memchr::memmem::find(data, &END).is_some()
        })
}

/// Finds the orientation in a TIFF structure's first directory.
fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let little = tiff.starts_with(b"II");
    let u16_at = |i: usize| -> Option<u16> {
        let b = [*tiff.get(i)?, *tiff.get(i + 1)?];
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let b = [
            *tiff.get(i)?,
            *tiff.get(i + 1)?,
            *tiff.get(i + 2)?,
            *tiff.get(i + 3)?,
        ];
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = usize::from(u16_at(ifd)?);
    (0..count)
        .map(|n| ifd + 2 + n * 12)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
}

/// Whether a PNG has an alpha channel (colour types 4 and 6) or a transparency chunk.
fn png_alpha(b: &[u8]) -> bool {
    if matches!(b.get(25), Some(4 | 6)) {
        return true;
    }
    let mut i = 8;
    while let Some(len) = b
        .get(i..i + 4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]))
    {
        match b.get(i + 4..i + 8) {
            Some(b"tRNS") => return true,
            Some(b"IDAT") | None => return false,
            _ => i += 12 + len as usize,
        }
    }
    false
}

/// Whether a WebP declares alpha (the VP8X flag, or a lossless stream's alpha hint).
fn webp_alpha(b: &[u8]) -> bool {
    match b.get(12..16) {
        Some(b"VP8X") => b.get(20).is_some_and(|f| f & 0x10 != 0),
        Some(b"VP8L") => b.get(24).is_some_and(|f| f & 0x10 != 0),
        _ => false,
    }
}

fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() < 24 || &b[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let h = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    (w > 0 && h > 0).then_some((w, h))
}

fn webp_size(b: &[u8]) -> Option<(u32, u32)> {
    let chunk = b.get(12..16)?;
    let le24 = |i: usize| -> Option<u32> {
        Some(
            u32::from(*b.get(i)?)
                | u32::from(*b.get(i + 1)?) << 8
                | u32::from(*b.get(i + 2)?) << 16,
        )
    };
    match chunk {
        b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
        b"VP8 " => Some((
            u32::from(u16::from_le_bytes([*b.get(26)?, *b.get(27)?]) & 0x3FFF),
            u32::from(u16::from_le_bytes([*b.get(28)?, *b.get(29)?]) & 0x3FFF),
        )),
        b"VP8L" => {
            let bits = u32::from_le_bytes([*b.get(21)?, *b.get(22)?, *b.get(23)?, *b.get(24)?]);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        _ => None,
    }
}

fn svg_text(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    let head = text.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<svg")
        || (head.starts_with("<?xml") || head.starts_with("<!--")) && text.contains("<svg"))
    .then_some(text)
}

/// Refuses an SVG that can run script when opened: `<script>`, `on...=` handlers,
/// `javascript:` links, `<foreignObject>`.
pub fn check_svg(text: &str) -> Result<(), (Text, Text)> {
    let lower = text.to_ascii_lowercase();
    let handler = lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name_len > 0 && rest[name_len..].trim_start().starts_with('=')
    });
    if lower.contains("<script")
        || lower.contains("javascript:")
        || lower.contains("<foreignobject")
        || handler
    {
        return Err((
            Text::new(
                "gambar SVG ini memuat skrip; demi keamanan situs, cerdas menolaknya",
                "this SVG image contains script; to keep the site safe, cerdas refuses it",
            ),
            Text::new(
                "ekspor ulang gambar dari aplikasi desain tanpa skrip atau interaksi, atau pakai PNG",
                "export the drawing again without script or interaction, or use a PNG",
            ),
        ));
    }
    Ok(())
}

/// A pixel size from the root element's `width="…"`/`height="…"` when given without units or in px.
fn svg_px(text: &str, attr: &str) -> Option<u32> {
    let start = text.find("<svg")?;
    let tag_end = start + text[start..].find('>')?;
    let tag = &text[start..tag_end];
    let key = format!(" {attr}=\"");
    let value_start = tag.find(&key)? + key.len();
    let value = &tag[value_start..value_start + tag[value_start..].find('"')?];
    value
        .trim_end_matches("px")
        .parse::<f32>()
        .ok()
        .filter(|v| *v > 0.0)
        .map(|v| v.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG header with a baseline start-of-frame for `w` x `h`.
    pub fn tiny_jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08,
        ];
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.extend([0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        // Start of scan, a little image data, end of image.
        b.extend([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        b.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9]);
        b
    }

    /// `jpeg` with an APP1 EXIF block holding only an orientation tag (big-endian TIFF).
    fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        tiff.extend([0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, orientation, 0, 0]);
        tiff.extend([0, 0, 0, 0]);
        let mut seg = b"Exif\0\0".to_vec();
        seg.extend(tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((seg.len() + 2) as u16).to_be_bytes());
        out.extend(seg);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn orientation_turns_the_shown_size() {
        let upright = image_info(&with_orientation(&tiny_jpeg(4000, 3000), 1)).unwrap();
        assert_eq!(
            (upright.width, upright.height, upright.orientation),
            (Some(4000), Some(3000), 1)
        );
        let turned = image_info(&with_orientation(&tiny_jpeg(4000, 3000), 6)).unwrap();
        assert_eq!(
            (turned.width, turned.height, turned.orientation),
            (Some(3000), Some(4000), 6)
        );
    }

    #[test]
    fn cut_short_and_oversized_photos_are_refused() {
        let whole = tiny_jpeg(800, 600);
        let err = image_info(&whole[..whole.len() - 2]).unwrap_err();
        assert!(err.0.id.contains("terpotong"), "{err:?}");
        let mut motion_photo = whole.clone();
        motion_photo.extend(b"....ftypmp42 video after the picture");
        assert!(image_info(&motion_photo).is_ok());
        let err = image_info(&tiny_jpeg(20_001, 100)).unwrap_err();
        assert!(err.0.id.contains("terlalu besar"), "{err:?}");
        let err = image_info(&tiny_jpeg(12_000, 9_000)).unwrap_err();
        assert!(err.0.id.contains("12000 x 9000 piksel"), "{err:?}");
    }

    #[test]
    fn png_transparency_is_noticed() {
        let png = |color_type: u8, extra: &[u8]| {
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            b.extend(10u32.to_be_bytes());
            b.extend(10u32.to_be_bytes());
            b.extend([8, color_type, 0, 0, 0, 0, 0, 0, 0]);
            b.extend(extra);
            b.extend(b"\0\0\0\0IDAT\0\0\0\0");
            b
        };
        assert!(!image_info(&png(2, b"")).unwrap().alpha);
        assert!(image_info(&png(6, b"")).unwrap().alpha);
        assert!(
            image_info(&png(3, b"\0\0\0\x01tRNS\0\0\0\0\0"))
                .unwrap()
                .alpha
        );
    }

    #[test]
    fn sizes_of_common_formats() {
        assert_eq!(
            image_info(&tiny_jpeg(1600, 1000)).unwrap().width,
            Some(1600)
        );
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(640u32.to_be_bytes());
        png.extend(480u32.to_be_bytes());
        let info = image_info(&png).unwrap();
        assert_eq!(
            (info.format, info.width, info.height),
            (ImageFormat::Png, Some(640), Some(480))
        );
        let svg = image_info(br#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="104"><title>x</title></svg>"#).unwrap();
        assert_eq!((svg.width, svg.height), (Some(100), Some(104)));
    }

    #[test]
    fn bad_files_are_refused() {
        assert!(
            image_info(b"bukan gambar")
                .unwrap_err()
                .0
                .id
                .contains("bukan gambar")
        );
        assert!(
            image_info(&[0xFF, 0xD8, 0xFF, 0xD9])
                .unwrap_err()
                .0
                .id
                .contains("terpotong")
        );
        assert!(image_info(&tiny_jpeg(1600, 1000)[..10]).is_err());
        for svg in [
            r#"<svg><script>alert(1)</script></svg>"#,
            r#"<svg onload="alert(1)"></svg>"#,
            r#"<svg><a href="javascript:alert(1)">x</a></svg>"#,
        ] {
            assert!(
                image_info(svg.as_bytes())
                    .unwrap_err()
                    .0
                    .id
                    .contains("skrip"),
                "{svg}"
            );
        }
        assert!(
            image_info(br#"<svg viewBox="0 0 10 10"><text>conference</text></svg>"#).is_ok(),
            "words starting with on are fine"
        );
    }
}
