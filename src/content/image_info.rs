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
    /// Width in pixels, when known.
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
}

/// Reads the picture at `path`; the error is a message and a hint.
pub fn read_image_info(path: &Path) -> Result<ImageInfo, (Text, Text)> {
    let bytes = std::fs::read(path).map_err(|e| {
        (
            Text::new(
                format!("gambar tidak dapat dibaca: {e}"),
                format!("the image cannot be read: {e}"),
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
    let sized = |format, (w, h): (u32, u32)| ImageInfo {
        format,
        width: Some(w),
        height: Some(h),
    };
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return jpeg_size(bytes)
            .map(|s| sized(ImageFormat::Jpeg, s))
            .ok_or_else(truncated);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return png_size(bytes)
            .map(|s| sized(ImageFormat::Png, s))
            .ok_or_else(truncated);
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
        return webp_size(bytes)
            .map(|s| sized(ImageFormat::Webp, s))
            .ok_or_else(truncated);
    }
    if let Some(text) = svg_text(bytes) {
        check_svg(text)?;
        return Ok(ImageInfo {
            format: ImageFormat::Svg,
            width: svg_px(text, "width"),
            height: svg_px(text, "height"),
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

fn be16(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])))
}

/// Walks JPEG markers to the first start-of-frame and reads its size.
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = be16(b, i + 2)? as usize;
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let (h, w) = (be16(b, i + 5)?, be16(b, i + 7)?);
            return (w > 0 && h > 0).then_some((w, h));
        }
        if marker == 0xD9 || marker == 0xDA {
            return None;
        }
        i += 2 + len;
    }
    None
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
        b.extend([0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9]);
        b
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
