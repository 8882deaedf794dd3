//! Making the resized pictures a site plans (`site::images`): decode with size limits, turn
//! by the EXIF orientation, resize, encode as WebP, JPEG or PNG. Nothing of the source's
//! metadata is written (the encoders write pixels only), so a phone's GPS position never
//! reaches the site. Results are kept in a cache folder under their content-hashed names, so
//! a rebuild only processes new or changed pictures.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use fast_image_resize as fir;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use rayon::prelude::*;

use crate::content::image_info::{MAX_PIXELS, MAX_SIDE, jpeg_orientation};
use crate::error::{Diagnostic, Diagnostics, Text};
use crate::output::write::write_whole;
use crate::progress::{ProgressSink, Work};
use crate::site::CopiedFile;
use crate::site::images::{Fit, IMAGE_DIR, ImageJob, VariantFormat, lock};

/// Quality of lossy WebP files (0-100).
const WEBP_QUALITY: f32 = 72.0;
/// libwebp's effort (0 fastest to 6 smallest; its default is 4). At 2 a photo's WebP files
/// take about half the time, for files a few percent larger.
const WEBP_METHOD: i32 = 2;
/// Quality of JPEG files (1-100), and the lower ones tried, in turn, for a picture of the
/// theme's sizes that comes out larger than [`JPEG_BUDGET`].
const JPEG_QUALITIES: [u8; 4] = [78, 68, 58, 48];
/// The most a JPEG of the theme's sizes (up to 1200 x 1200 pixels) may weigh: WhatsApp shows
/// no preview for a shared picture larger than 300 KB, and a phone on a slow link should not
/// fetch more for one photo. A busy photo (a crowd, leaves) is encoded again at a lower
/// quality until it fits; larger sizes a template asks for keep the first quality.
const JPEG_BUDGET: usize = 300_000;
/// The largest picture (in pixels) [`JPEG_BUDGET`] applies to.
const JPEG_BUDGET_PIXELS: u64 = 1200 * 1200;
/// The file that marks the cache folder as ours (and tells backup tools to skip it).
const CACHE_TAG: &str = "CACHEDIR.TAG";
const CACHE_TAG_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# Folder cache gambar cerdas: boleh dihapus, akan dibuat ulang.\n# cerdas image cache: safe to delete, it is made again.\n";

/// The folder where processed pictures are kept between builds.
#[derive(Debug)]
pub struct ImageCache {
    /// `<cache dir>/gambar`.
    dir: PathBuf,
    /// Names of the files this build used, so the others can be pruned.
    used: Mutex<HashSet<String>>,
    /// Photos decoded and resized by this build (not found in the cache).
    processed: AtomicUsize,
    /// Where the photo count goes while they are made.
    progress: ProgressSink,
}

/// The name of the cache folder inside a site or province folder when none is given (a
/// dot-folder, so it is never read as content).
pub const CACHE_DIR_NAME: &str = ".cerdas-cache";

/// The cache folder of a site or province folder when none is given.
pub fn default_cache_dir(input: &Path) -> PathBuf {
    input.join(CACHE_DIR_NAME)
}

impl ImageCache {
    /// Opens (creating when needed) the cache under `root` (`.cerdas-cache` by default).
    pub fn open(root: &Path) -> Result<ImageCache, Diagnostic> {
        let dir = root.join(IMAGE_DIR);
        fs::create_dir_all(&dir).map_err(|e| Diagnostic::io(&dir, &e))?;
        let tag = root.join(CACHE_TAG);
        if !tag.is_file() {
            fs::write(&tag, CACHE_TAG_TEXT).map_err(|e| Diagnostic::io(&tag, &e))?;
        }
        Ok(ImageCache {
            dir,
            used: Mutex::new(HashSet::new()),
            processed: AtomicUsize::new(0),
            progress: ProgressSink::default(),
        })
    }

    /// The cache, reporting the photos it makes to `progress`.
    pub fn with_progress(mut self, progress: ProgressSink) -> ImageCache {
        self.progress = progress;
        self
    }

    /// How many photos this build decoded and resized (the others were in the cache).
    pub fn processed(&self) -> usize {
        self.processed.load(Ordering::Relaxed)
    }

    /// Where the cache keeps the file of `job`.
    pub fn path_of(&self, job: &ImageJob) -> PathBuf {
        self.dir.join(job.file_name())
    }

    /// Deletes cached pictures this build did not use: only files named like ours
    /// (`<name>-<10 hex>.<webp|jpg|png>`).
    pub fn prune_unused(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let keep = lock(&self.used).clone();
        entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| is_cache_name(name) && !keep.contains(name))
            .for_each(|name| {
                let _ = fs::remove_file(self.dir.join(name));
            });
    }
}

/// Whether `name` is a file the cache writes: `<stem>-<label>-<10 hex digits>.<ext>`.
fn is_cache_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let hash = stem.rsplit('-').next().unwrap_or_default();
    VariantFormat::ALL.iter().any(|f| f.extension() == ext)
        && hash.len() == 10
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// One source photo whose resized files are not in the cache yet, with the jobs that make them.
#[derive(Clone, Debug)]
pub struct PendingPhoto {
    /// The source picture (absolute path).
    pub source: PathBuf,
    /// Its files still to make.
    pub jobs: Vec<ImageJob>,
}

impl PendingPhoto {
    /// Whether one of the files this photo makes is `cached` (a path inside the cache).
    pub fn makes(&self, cached: &Path, cache: &ImageCache) -> bool {
        self.jobs.iter().any(|j| cache.path_of(j) == cached)
    }
}

/// Makes every job's file in `cache` (each source decoded once, sources in parallel) and
/// returns the copies that publish them. `root` shortens file names in errors.
pub fn make_images(
    jobs: &[ImageJob],
    cache: &ImageCache,
    root: &Path,
) -> Result<Vec<CopiedFile>, Diagnostics> {
    let (copies, pending) = plan_images(jobs, cache);
    cache.progress.expect(Work::Photos, pending.len());
    let errors: Vec<Diagnostic> = pending
        .into_par_iter()
        .filter_map(|photo| {
            let made = make_photo(&photo, cache, root);
            cache.progress.advance(Work::Photos, 1);
            made.err()
        })
        .collect();
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    Ok(copies)
}

/// The copies that will publish every job's file from the cache, and the photos whose files
/// are not there yet (to make now, or, in the preview, in the background).
pub fn plan_images(jobs: &[ImageJob], cache: &ImageCache) -> (Vec<CopiedFile>, Vec<PendingPhoto>) {
    let mut by_source: BTreeMap<&Path, Vec<&ImageJob>> = BTreeMap::new();
    for job in jobs {
        by_source.entry(&job.source).or_default().push(job);
    }
    let pending: Vec<PendingPhoto> = by_source
        .into_par_iter()
        .filter_map(|(source, jobs)| {
            let missing: Vec<ImageJob> = jobs
                .into_iter()
                .filter(|j| !cache.path_of(j).is_file())
                .cloned()
                .collect();
            (!missing.is_empty()).then(|| PendingPhoto {
                source: source.to_path_buf(),
                jobs: missing,
            })
        })
        .collect();
    lock(&cache.used).extend(jobs.iter().map(|j| j.file_name().to_string()));
    let copies = jobs
        .iter()
        .map(|j| CopiedFile {
            from: cache.path_of(j),
            to: PathBuf::from(&j.to),
        })
        .collect();
    (copies, pending)
}

/// Decodes one pending photo and writes its files into `cache`; an error names the photo
/// (relative to `root`).
pub fn make_photo(photo: &PendingPhoto, cache: &ImageCache, root: &Path) -> Result<(), Diagnostic> {
    let jobs: Vec<&ImageJob> = photo.jobs.iter().collect();
    match process_source(&photo.source, &jobs, cache) {
        Ok(()) => {
            cache.processed.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Err((message, hint)) => {
            let shown = photo.source.strip_prefix(root).unwrap_or(&photo.source);
            Err(Diagnostic::file(shown, message).with_hint(hint))
        }
    }
}

/// A size to make: width, height and how the picture is fitted into them.
type Size = (u32, u32, Fit);

/// Decodes `source` and writes the files of `jobs` into the cache.
fn process_source(
    source: &Path,
    jobs: &[&ImageJob],
    cache: &ImageCache,
) -> Result<(), (Text, Text)> {
    let bytes = fs::read(source).map_err(|e| unreadable(&e.to_string()))?;
    let size_of = |j: &ImageJob| (j.width, j.height, j.fit);
    let mut sizes: Vec<Size> = jobs.iter().map(|j| size_of(j)).collect();
    sizes.sort();
    sizes.dedup();
    let needed = sizes
        .iter()
        .fold((1, 1), |(w, h), &(jw, jh, _)| (w.max(jw), h.max(jh)));
    let picture = decode(&bytes, Some(needed))?;
    resize_all(&picture, &sizes, |size, resized| {
        for job in jobs.iter().filter(|j| size_of(j) == size) {
            let encoded = encode(resized, job.format)?;
            write_whole(&cache.path_of(job), &encoded).map_err(|e| unreadable(&e.to_string()))?;
        }
        Ok(())
    })
}

/// Resizes `picture` to each of `sizes` and hands each result to `done`. Largest first; each
/// size is made from the smallest picture already made that is at least as large (a 480 from
/// the 1200, not from the 4000 of the source): the same result, a fraction of the work.
fn resize_all(
    picture: &Pixels,
    sizes: &[Size],
    mut done: impl FnMut(Size, &Pixels) -> Result<(), (Text, Text)>,
) -> Result<(), (Text, Text)> {
    let mut order = sizes.to_vec();
    order.sort_by_key(|&(w, h, fit)| (Reverse(u64::from(w) * u64::from(h)), w, fit));
    let mut made: Vec<Pixels> = Vec::new();
    for (w, h, fit) in order {
        let from = made
            .iter()
            .filter(|p| p.width >= w && p.height >= h)
            .min_by_key(|p| u64::from(p.width) * u64::from(p.height))
            .unwrap_or(picture);
        let resized = resize(from, (w, h), fit)?;
        done((w, h, fit), &resized)?;
        if fit == Fit::Scale {
            made.push(resized);
        }
    }
    Ok(())
}

/// Pixels ready to resize: 8-bit RGB, or RGBA when the picture has transparency.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

/// Decodes with limits against decompression bombs and applies the EXIF orientation. When
/// `needed` (the largest width and height asked for, upright) is given, a JPEG is decoded
/// straight to a half, a quarter or an eighth of its size when that still covers it
/// (`shrunk_jpeg`); anything that cannot be decoded that way is decoded whole.
fn decode(bytes: &[u8], needed: Option<(u32, u32)>) -> Result<Pixels, (Text, Text)> {
    if let Some(picture) = needed.and_then(|needed| shrunk_jpeg(bytes, needed)) {
        return Ok(picture);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| damaged(&e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| damaged(&e.to_string()))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let picture = DynamicImage::from_decoder(decoder).map_err(|e| damaged(&e.to_string()))?;
    Ok(upright_pixels(picture, orientation))
}

/// The most memory a decoder may take: the largest picture cerdas decodes, 4 bytes a pixel,
/// and room for the decoder's own tables.
const MAX_ALLOC: u64 = MAX_PIXELS * 4 + (64 << 20);

/// Shrink on load: a JPEG of `w` x `h` pixels whose published sizes need at most `needed`
/// (upright) is decoded by a scaled inverse DCT at 1/2, 1/4 or 1/8 of its size, the smallest
/// that still covers `needed` with a quarter to spare, then resized as any picture. A 12-megapixel phone photo
/// published at most 1200 pixels wide is decoded at 2000 x 1500: a quarter of the pixels to
/// decode, turn and resize. `None` when the photo is needed whole, or when it is anything this
/// decoder does not take as it should (CMYK, 16-bit, over the limits, damaged): the caller
/// then decodes it whole as before, never worse off.
fn shrunk_jpeg(bytes: &[u8], (need_w, need_h): (u32, u32)) -> Option<Pixels> {
    if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return None;
    }
    // The orientation the page sizes were planned with (`content::image_info`), so the upright
    // size needed is turned back into the size of the stored picture.
    let code = jpeg_orientation(bytes).unwrap_or(1);
    let orientation = image::metadata::Orientation::from_exif(code)?;
    let (need_w, need_h) = if code >= 5 {
        (need_h, need_w)
    } else {
        (need_w, need_h)
    };
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(MAX_ALLOC).ok()?);
    decoder.read_info().ok()?;
    let info = decoder.info()?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    let gray = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => true,
        jpeg_decoder::PixelFormat::RGB24 => false,
        _ => return None,
    };
    let eighths = shrink_eighths((w, h), (need_w, need_h));
    if eighths == 8 {
        return None;
    }
    let scaled = |side: u32| (side * eighths).div_ceil(8);
    let (sw, sh) = (scaled(w), scaled(h));
    // The decoder picks the smallest scale that reaches the size asked for on either side;
    // asked for exactly the chosen scale's size, it picks that scale (checked, not assumed).
    let (got_w, got_h) = decoder
        .scale(u16::try_from(sw).ok()?, u16::try_from(sh).ok()?)
        .ok()?;
    if (u32::from(got_w), u32::from(got_h)) != (sw, sh) {
        return None;
    }
    // A decoder bug on a strange file must not end the build: the whole decode then decides.
    let data = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decoder.decode()))
        .ok()?
        .ok()?;
    let picture = if gray {
        DynamicImage::ImageLuma8(image::GrayImage::from_raw(sw, sh, data)?)
    } else {
        DynamicImage::ImageRgb8(image::RgbImage::from_raw(sw, sh, data)?)
    };
    Some(upright_pixels(picture, orientation))
}

/// The scale, in eighths (1, 2, 4 or 8), at which a picture of `w` x `h` is decoded so that it
/// still covers `need_w` x `need_h`: the smallest whose width and height are both at least
/// 5/4 of them. The spare quarter is for the look: a picture decoded to barely more than its
/// largest size keeps grain and edges the resize then cannot smooth. Against the whole decode
/// (SSIM, this module's test photo, resized to 1200 wide): decoded at 1250 from 2500 px,
/// 0.965; 1350 from 2700, 0.974; 1400 from 2800, 0.992; 1500 from 3000, 0.994; 2000 from
/// 4000, 0.998.
fn shrink_eighths((w, h): (u32, u32), (need_w, need_h): (u32, u32)) -> u32 {
    let covers = |side: u32, e: u32, need: u32| (side * e).div_ceil(8) * 4 >= need * 5;
    [1, 2, 4]
        .into_iter()
        .find(|&e| covers(w, e, need_w) && covers(h, e, need_h))
        .unwrap_or(8)
}

/// A decoded picture turned by its EXIF orientation, as 8-bit RGB or RGBA.
fn upright_pixels(mut picture: DynamicImage, orientation: image::metadata::Orientation) -> Pixels {
    picture.apply_orientation(orientation);
    let alpha = picture.color().has_alpha();
    let (width, height) = (picture.width(), picture.height());
    let data = if alpha {
        picture.into_rgba8().into_raw()
    } else {
        picture.into_rgb8().into_raw()
    };
    Pixels {
        width,
        height,
        alpha,
        data,
    }
}

/// Resizes with a Lanczos filter; `Fit::Crop` cuts the overflow off equally on both sides.
fn resize(picture: &Pixels, (w, h): (u32, u32), fit: Fit) -> Result<Pixels, (Text, Text)> {
    let pixel = if picture.alpha {
        fir::PixelType::U8x4
    } else {
        fir::PixelType::U8x3
    };
    let source = fir::images::ImageRef::new(picture.width, picture.height, &picture.data, pixel)
        .map_err(|e| damaged(&e.to_string()))?;
    let mut target = fir::images::Image::new(w, h, pixel);
    let mut options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    if fit == Fit::Crop {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    fir::Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| damaged(&e.to_string()))?;
    Ok(Pixels {
        width: w,
        height: h,
        alpha: picture.alpha,
        data: target.into_vec(),
    })
}

/// A JPEG side in pixels (at most 65,535).
fn side(pixels: u32) -> Result<u16, (Text, Text)> {
    u16::try_from(pixels).map_err(|_| damaged("too large for a JPEG"))
}

/// Encodes pixels; only pixels are written, never the source's metadata.
fn encode(picture: &Pixels, format: VariantFormat) -> Result<Vec<u8>, (Text, Text)> {
    let (w, h) = (picture.width, picture.height);
    match format {
        VariantFormat::Webp => {
            let encoder = if picture.alpha {
                webp::Encoder::from_rgba(&picture.data, w, h)
            } else {
                webp::Encoder::from_rgb(&picture.data, w, h)
            };
            let mut config =
                webp::WebPConfig::new().map_err(|()| damaged("WebP encoder cannot start"))?;
            config.quality = WEBP_QUALITY;
            config.alpha_compression = 1;
            config.method = WEBP_METHOD;
            encoder
                .encode_advanced(&config)
                .map(|m| m.to_vec())
                .map_err(|e| damaged(&format!("{e:?}")))
        }
        VariantFormat::Jpeg => {
            let rgb;
            let data = if picture.alpha {
                rgb = flatten_on_white(&picture.data);
                &rgb
            } else {
                &picture.data
            };
            let budgeted = u64::from(w) * u64::from(h) <= JPEG_BUDGET_PIXELS;
            let mut out = Vec::new();
            for quality in JPEG_QUALITIES {
                out.clear();
                jpeg_encoder::Encoder::new(&mut out, quality)
                    .encode(data, side(w)?, side(h)?, jpeg_encoder::ColorType::Rgb)
                    .map_err(|e| damaged(&e.to_string()))?;
                if !budgeted || out.len() <= JPEG_BUDGET {
                    break;
                }
            }
            Ok(out)
        }
        VariantFormat::Png => {
            let color = if picture.alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            let mut out = Vec::new();
            image::ImageEncoder::write_image(
                image::codecs::png::PngEncoder::new(&mut out),
                &picture.data,
                w,
                h,
                color,
            )
            .map_err(|e| damaged(&e.to_string()))?;
            Ok(out)
        }
    }
}

/// RGBA to RGB over a white background (for a JPEG of a transparent picture).
fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect()
}

fn unreadable(detail: &str) -> (Text, Text) {
    (
        Text::new(
            format!("gambar tidak dapat dibaca atau disimpan: {detail}"),
            format!("the image cannot be read or stored: {detail}"),
        ),
        Text::new(
            "periksa bahwa berkas itu ada, dapat dibuka, dan disk tidak penuh",
            "check that the file exists, can be opened, and the disk is not full",
        ),
    )
}

fn damaged(detail: &str) -> (Text, Text) {
    (
        Text::new(
            format!("gambar rusak atau tidak dapat diolah: {detail}"),
            format!("the image is damaged or cannot be processed: {detail}"),
        ),
        Text::new(
            "buka foto di aplikasi foto dan simpan ulang sebagai .jpg atau .png, atau salin ulang dari sumber aslinya",
            "open the photo in a photo app and save it again as .jpg or .png, or copy it again from its source",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_names_are_recognised() {
        assert!(is_cache_name("foto-bimtek-800-0123456789.webp"));
        assert!(is_cache_name("foto-1200x630-abcdef0123.jpg"));
        assert!(!is_cache_name("catatan.txt"));
        assert!(!is_cache_name("foto-800-xyz.webp"));
        assert!(!is_cache_name("CACHEDIR.TAG"));
    }

    /// A photo-like JPEG (quality 90, as a phone writes): sky and ground gradients, texture
    /// at three scales, sharp-edged windows and thin wires at positions that fall across the
    /// 8 x 8 blocks, and per-pixel grain. A flat picture would pass any comparison.
    fn textured_photo(w: u32, h: u32) -> Vec<u8> {
        fn hash(x: u32, y: u32, seed: u32) -> u32 {
            let mut v = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed;
            v ^= v >> 15;
            v = v.wrapping_mul(0x2C1B_3C6D);
            v ^ (v >> 12)
        }
        // Value noise in 0..1 on a grid of `cell` pixels, for each colour channel.
        let grid = |cell: u32, seed: u32| {
            let (gw, gh) = (w / cell + 2, h / cell + 2);
            let values: Vec<f32> = (0..gw * gh)
                .map(|i| (hash(i % gw, i / gw, seed) % 1000) as f32 / 1000.0)
                .collect();
            move |x: u32, y: u32| {
                let (gx, gy) = (x / cell, y / cell);
                let (fx, fy) = (
                    (x % cell) as f32 / cell as f32,
                    (y % cell) as f32 / cell as f32,
                );
                let at = |i: u32, j: u32| values[((gy + j) * gw + gx + i) as usize];
                let top = at(0, 0) + (at(1, 0) - at(0, 0)) * fx;
                let bottom = at(0, 1) + (at(1, 1) - at(0, 1)) * fx;
                top + (bottom - top) * fy
            }
        };
        let (coarse, middle, fine) = (grid(97, 1), grid(23, 2), grid(5, 3));
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let texture = 90.0 * coarse(x, y) + 50.0 * middle(x, y) + 30.0 * fine(x, y);
            let horizon = h * 2 / 5 + (40.0 * coarse(x, 0)) as u32;
            let mut rgb = if y < horizon {
                let t = y as f32 / horizon as f32;
                [90.0 + 80.0 * t, 140.0 + 60.0 * t, 230.0 - 30.0 * t]
            } else {
                [60.0 + texture, 70.0 + texture * 0.9, 30.0 + texture * 0.4]
            };
            let window = x % 173 > 101 && x % 173 < 139 && y % 131 > 57 && y % 131 < 103;
            if y > horizon && window {
                rgb = [235.0, 225.0, 180.0];
            }
            if y < horizon && (x + y / 3) % 211 < 3 {
                rgb = [30.0, 30.0, 35.0];
            }
            let grain = (hash(x, y, 4) % 25) as f32 - 12.0;
            image::Rgb(rgb.map(|c| (c + grain).clamp(0.0, 255.0) as u8))
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .expect("encode jpeg");
        out
    }

    /// Mean structural similarity (SSIM) of two RGB pictures of one size, on their luma, in
    /// 8 x 8 windows every 4 pixels: 1 for the same picture, lower as structure differs.
    fn ssim(a: &Pixels, b: &Pixels) -> f64 {
        assert_eq!((a.width, a.height), (b.width, b.height));
        let luma = |p: &Pixels| -> Vec<f64> {
            p.data
                .chunks_exact(3)
                .map(|c| {
                    0.299 * f64::from(c[0]) + 0.587 * f64::from(c[1]) + 0.114 * f64::from(c[2])
                })
                .collect()
        };
        let (la, lb) = (luma(a), luma(b));
        let (w, h) = (a.width as usize, a.height as usize);
        let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
        let mut sum = 0.0;
        let mut windows = 0;
        for y0 in (0..=h - 8).step_by(4) {
            for x0 in (0..=w - 8).step_by(4) {
                let at = |l: &[f64], i: usize| l[(y0 + i / 8) * w + x0 + i % 8];
                let mean = |l: &[f64]| (0..64).map(|i| at(l, i)).sum::<f64>() / 64.0;
                let (ma, mb) = (mean(&la), mean(&lb));
                let (mut va, mut vb, mut cov) = (0.0, 0.0, 0.0);
                for i in 0..64 {
                    let (da, db) = (at(&la, i) - ma, at(&lb, i) - mb);
                    va += da * da;
                    vb += db * db;
                    cov += da * db;
                }
                let (va, vb, cov) = (va / 63.0, vb / 63.0, cov / 63.0);
                sum += ((2.0 * ma * mb + c1) * (2.0 * cov + c2))
                    / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                windows += 1;
            }
        }
        sum / f64::from(windows)
    }

    /// Every size `sizes` asks for, made from `picture` as a build makes them.
    fn resized_all(picture: &Pixels, sizes: &[Size]) -> Vec<(Size, Pixels)> {
        let mut out = Vec::new();
        resize_all(picture, sizes, |size, p| {
            out.push((
                size,
                Pixels {
                    width: p.width,
                    height: p.height,
                    alpha: p.alpha,
                    data: p.data.clone(),
                },
            ));
            Ok(())
        })
        .unwrap();
        out
    }

    /// The similarity a picture decoded shrunk must keep, size by size, with the same picture
    /// decoded whole: SSIM of at least 0.98 (1 is identical).
    const SAME_PICTURE: f64 = 0.98;

    #[test]
    fn shrink_on_load_looks_like_the_whole_decode_at_every_published_size() {
        // A 12-megapixel phone photo and one with the least to spare at half size (1500 wide
        // for the 1200 needed); the sizes a news cover is published at (480/800/1200 wide and the
        // 1200 x 630 OpenGraph crop).
        for ((w, h), sizes, shrunk_to) in [
            (
                (4000, 3000),
                vec![
                    (480, 360, Fit::Scale),
                    (800, 600, Fit::Scale),
                    (1200, 900, Fit::Scale),
                    (1200, 630, Fit::Crop),
                ],
                (2000, 1500),
            ),
            (
                (3000, 2250),
                vec![
                    (480, 360, Fit::Scale),
                    (800, 600, Fit::Scale),
                    (1200, 900, Fit::Scale),
                    (1200, 630, Fit::Crop),
                ],
                (1500, 1125),
            ),
        ] {
            let photo = textured_photo(w, h);
            let whole = decode(&photo, None).unwrap();
            assert_eq!((whole.width, whole.height), (w, h));
            let shrunk = decode(&photo, Some((1200, 900))).unwrap();
            assert_eq!((shrunk.width, shrunk.height), shrunk_to, "{w} x {h}");
            // Decoded at an eighth, too small for 800 and 1200: the comparison must see it.
            let too_small = shrunk_jpeg(&photo, (w / 10, h / 10)).unwrap();
            assert_eq!(too_small.width, w.div_ceil(8));
            let expected = resized_all(&whole, &sizes);
            let got = resized_all(&shrunk, &sizes);
            let blurred = resized_all(&too_small, &sizes);
            for (((size, e), (_, g)), (_, b)) in expected.iter().zip(&got).zip(&blurred) {
                let (similar, control) = (ssim(e, g), ssim(e, b));
                eprintln!("{w} x {h} to {size:?}: SSIM {similar:.4}, decoded at 1/8 {control:.4}");
                assert!(
                    similar >= SAME_PICTURE,
                    "{w} x {h} to {size:?}: SSIM {similar:.4}"
                );
                if size.0 > w / 8 {
                    assert!(control < SAME_PICTURE, "{size:?} at 1/8: {control:.4}");
                }
            }
        }
    }

    /// `jpeg` with an APP1 EXIF block holding only an orientation tag.
    fn with_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        tiff.extend([0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, orientation, 0, 0]);
        tiff.extend([0, 0, 0, 0]);
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend(tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(((segment.len() + 2) as u16).to_be_bytes());
        out.extend(segment);
        out.extend(&jpeg[2..]);
        out
    }

    /// A JPEG of `w` x `h` pixels, the left half red and the right half blue.
    fn halves(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, _| {
            image::Rgb(if x < w / 2 {
                [220, 30, 30]
            } else {
                [30, 30, 220]
            })
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .expect("encode jpeg");
        out
    }

    #[test]
    fn a_turned_photo_is_shrunk_by_its_upright_size_and_turned() {
        // Stored 4000 x 3000, shown turned a quarter clockwise: 3000 x 4000 upright, the
        // stored left half (red) on top. Its largest size, 1200 x 1600, needs 1600 x 1200 of
        // the stored picture: half size (2000 x 1500) covers it with a quarter to spare.
        let photo = with_orientation(&halves(4000, 3000), 6);
        let p = decode(&photo, Some((1200, 1600))).unwrap();
        assert_eq!((p.width, p.height), (1500, 2000));
        let pixel = |x: u32, y: u32| {
            let i = ((y * p.width + x) * 3) as usize;
            [p.data[i], p.data[i + 1], p.data[i + 2]]
        };
        assert!(pixel(750, 10)[0] > 150, "red on top: {:?}", pixel(750, 10));
        assert!(
            pixel(750, 1990)[2] > 150,
            "blue below: {:?}",
            pixel(750, 1990)
        );
        // Upright 1600 x 1200 needs 1200 x 1600 of the stored picture: half size, 1500 high,
        // is too small, so it is decoded whole (read unturned, half size would have looked enough).
        let whole = decode(&photo, Some((1600, 1200))).unwrap();
        assert_eq!((whole.width, whole.height), (3000, 4000));
    }

    #[test]
    fn shrink_scale_covers_width_and_height() {
        assert_eq!(shrink_eighths((4000, 3000), (1200, 900)), 4);
        assert_eq!(shrink_eighths((4000, 3000), (800, 600)), 2);
        assert_eq!(shrink_eighths((4000, 3000), (400, 300)), 1);
        assert_eq!(
            shrink_eighths((4000, 3000), (500, 375)),
            2,
            "a quarter to spare"
        );
        assert_eq!(shrink_eighths((4000, 3000), (1200, 1600)), 8);
        assert_eq!(shrink_eighths((4000, 1000), (1200, 630)), 8);
        assert_eq!(shrink_eighths((3000, 2250), (1200, 900)), 4);
        assert_eq!(shrink_eighths((2990, 2243), (1200, 900)), 8);
        assert_eq!(shrink_eighths((2700, 2025), (1200, 900)), 8);
        assert_eq!(shrink_eighths((2500, 1875), (1200, 900)), 8);
    }

    #[test]
    fn progressive_grey_and_cmyk_jpegs_still_decode() {
        let progressive = include_bytes!("../../tests/fixtures/jpeg/progressive.jpg");
        let p = decode(progressive, Some((64, 48))).unwrap();
        assert_eq!((p.width, p.height), (80, 60), "progressive, shrunk");
        let whole = decode(progressive, None).unwrap();
        let sizes = [(64, 48, Fit::Scale)];
        let similar = ssim(
            &resized_all(&whole, &sizes)[0].1,
            &resized_all(&p, &sizes)[0].1,
        );
        assert!(similar >= SAME_PICTURE, "progressive: SSIM {similar:.4}");

        // CMYK (as print software saves): decoded whole as before, in the right colours.
        let cmyk = decode(
            include_bytes!("../../tests/fixtures/jpeg/cmyk.jpg"),
            Some((64, 48)),
        )
        .unwrap();
        assert_eq!((cmyk.width, cmyk.height), (320, 240), "CMYK, whole");
        let left = &cmyk.data[(120 * 320 + 10) * 3..][..3];
        assert!(
            left[0] > 150 && left[2] < 120,
            "CMYK red on the left: {left:?}"
        );

        let grey = image::GrayImage::from_fn(320, 240, |x, y| image::Luma([((x + y) % 256) as u8]));
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode(grey.as_raw(), 320, 240, image::ExtendedColorType::L8)
            .unwrap();
        let g = decode(&bytes, Some((64, 48))).unwrap();
        assert_eq!(
            (g.width, g.height, g.alpha),
            (80, 60, false),
            "grey, shrunk"
        );
        assert!(g.data.chunks_exact(3).all(|c| c[0] == c[1] && c[1] == c[2]));

        // Not a JPEG at all, or a damaged one: the whole decode's error, no panic.
        assert!(decode(b"\xFF\xD8\xFF\xE0 rusak", Some((80, 60))).is_err());
    }

    #[test]
    fn transparency_flattens_on_white() {
        assert_eq!(
            flatten_on_white(&[0, 0, 0, 0, 10, 20, 30, 255]),
            vec![255, 255, 255, 10, 20, 30]
        );
    }
}
