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

use crate::content::image_info::{MAX_PIXELS, MAX_SIDE};
use crate::error::{Diagnostic, Diagnostics, Text};
use crate::progress::{ProgressSink, Work};
use crate::site::CopiedFile;
use crate::site::images::{Fit, IMAGE_DIR, ImageJob, VariantFormat, lock};

/// Quality of lossy WebP files (0-100).
const WEBP_QUALITY: f32 = 72.0;
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

/// Decodes `source` and writes the files of `jobs` into the cache.
fn process_source(
    source: &Path,
    jobs: &[&ImageJob],
    cache: &ImageCache,
) -> Result<(), (Text, Text)> {
    let bytes = fs::read(source).map_err(|e| unreadable(&e.to_string()))?;
    let picture = decode(&bytes)?;
    // Largest first, the formats of one size together; each size is made from the smallest
    // picture already made that is at least as large (a 480 from the 1200, not from the 4000
    // of the source): the same result, a fraction of the work.
    let mut order = jobs.to_vec();
    order.sort_by_key(|j| {
        (
            Reverse(u64::from(j.width) * u64::from(j.height)),
            j.width,
            j.fit,
        )
    });
    let mut made: Vec<Pixels> = Vec::new();
    for same_size in order.chunk_by(|a, b| (a.width, a.height, a.fit) == (b.width, b.height, b.fit))
    {
        let (w, h, fit) = (same_size[0].width, same_size[0].height, same_size[0].fit);
        let from = made
            .iter()
            .filter(|p| p.width >= w && p.height >= h)
            .min_by_key(|p| u64::from(p.width) * u64::from(p.height))
            .unwrap_or(&picture);
        let resized = resize(from, (w, h), fit)?;
        for job in same_size {
            let encoded = encode(&resized, job.format)?;
            store(&cache.path_of(job), &encoded).map_err(|e| unreadable(&e.to_string()))?;
        }
        if fit == Fit::Scale {
            made.push(resized);
        }
    }
    Ok(())
}

/// Writes a cache file whole or not at all (a temporary file renamed into place). The
/// temporary name is unique per write: two bundles holding the same photo (an imported
/// WordPress site reuses photos across posts) make the same cache file at once, on two
/// threads, and one must not rename the other's temporary file away.
fn store(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp-{}-{n}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

/// Pixels ready to resize: 8-bit RGB, or RGBA when the picture has transparency.
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

/// Decodes with limits against decompression bombs and applies the EXIF orientation.
fn decode(bytes: &[u8]) -> Result<Pixels, (Text, Text)> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| damaged(&e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| damaged(&e.to_string()))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| damaged(&e.to_string()))?;
    picture.apply_orientation(orientation);
    let alpha = picture.color().has_alpha();
    let (width, height) = (picture.width(), picture.height());
    let data = if alpha {
        picture.into_rgba8().into_raw()
    } else {
        picture.into_rgb8().into_raw()
    };
    Ok(Pixels {
        width,
        height,
        alpha,
        data,
    })
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
            encoder
                .encode_simple(false, WEBP_QUALITY)
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
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                    .encode(data, w, h, image::ExtendedColorType::Rgb8)
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

    #[test]
    fn transparency_flattens_on_white() {
        assert_eq!(
            flatten_on_white(&[0, 0, 0, 0, 10, 20, 30, 255]),
            vec![255, 255, 255, 10, 20, 30]
        );
    }
}
