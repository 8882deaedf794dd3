//! Which files a picture is published as. A photo named by a page (cover, gallery, inline
//! Markdown image, logo) is never published as it is: it becomes a few resized copies in WebP
//! and JPEG (or PNG when it has transparency), named by a hash of the source bytes and the
//! size, so browsers and hosts can cache them forever. Only the plan is made here, from the
//! file's header; `output::images` decodes and encodes.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;

use crate::content::Stamped;
use crate::content::image_info::{ImageFormat, ImageInfo, read_image_info};
use crate::error::Text;
use crate::site::Urls;
use crate::text::escape_html;

/// The widths, in pixels, a photo is published at (never wider than the photo itself).
pub const WIDTHS: [u32; 3] = [480, 800, 1200];
/// The size of the picture shown when a news page is shared (OpenGraph).
pub const OG_SIZE: (u32, u32) = (1200, 630);
/// The output folder of processed pictures.
pub const IMAGE_DIR: &str = "gambar";
/// Bumped when processing changes, so old cached files are not reused.
const PIPELINE_VERSION: u64 = 3;

/// The format of a published picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VariantFormat {
    /// Lossy WebP: the small file every current browser takes.
    Webp,
    /// JPEG: the fallback for photos.
    Jpeg,
    /// PNG: the fallback for pictures with transparency.
    Png,
}

impl VariantFormat {
    /// Every format cerdas writes.
    pub const ALL: [VariantFormat; 3] =
        [VariantFormat::Webp, VariantFormat::Jpeg, VariantFormat::Png];

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            VariantFormat::Webp => "webp",
            VariantFormat::Jpeg => "jpg",
            VariantFormat::Png => "png",
        }
    }

    /// Reads a format name as templates write it (`webp`, `jpg`/`jpeg`, `png`).
    pub fn from_name(name: &str) -> Option<VariantFormat> {
        match name {
            "webp" => Some(VariantFormat::Webp),
            "jpg" | "jpeg" => Some(VariantFormat::Jpeg),
            "png" => Some(VariantFormat::Png),
            _ => None,
        }
    }
}

/// How a picture is fitted into a requested size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fit {
    /// Scaled whole; the requested size keeps the picture's proportions.
    Scale,
    /// Scaled to cover the size, the overflow cut off equally on both sides.
    Crop,
}

/// One published file made from a source picture.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImageJob {
    /// The source picture (absolute path).
    pub source: PathBuf,
    /// Width of the result in pixels.
    pub width: u32,
    /// Height of the result in pixels.
    pub height: u32,
    /// Format of the result.
    pub format: VariantFormat,
    /// How the source is fitted into the size.
    pub fit: Fit,
    /// The path inside the output folder (`gambar/foto-800-1a2b3c4d5e.webp`); its file name is
    /// also the cache key.
    pub to: String,
}

impl ImageJob {
    /// The published file's name: unique for the source bytes, size, format and fit.
    pub fn file_name(&self) -> &str {
        self.to.rsplit('/').next().unwrap_or(&self.to)
    }
}

/// A picture ready for a template: the `<img>` fallback and the `srcset`s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImageView {
    /// Root-relative URL of the largest fallback file (`<img src>`).
    pub url: String,
    /// Absolute URL of the same file.
    pub permalink: String,
    /// What it shows.
    pub alt: String,
    /// Width in pixels of `url`, when known.
    pub width: Option<u32>,
    /// Height in pixels of `url`, when known.
    pub height: Option<u32>,
    /// `srcset` of the fallback files (`a-480.jpg 480w, a-800.jpg 800w`); empty for a picture
    /// published as it is (SVG, GIF).
    pub srcset: String,
    /// `srcset` of the WebP files; empty when there are none.
    pub webp_srcset: String,
}

/// A single resized picture (OpenGraph image, a template's `resize_image`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResizedImage {
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A picture's header facts, or what is wrong with it (message, hint).
type InfoResult = Result<ImageInfo, (Text, Text)>;

/// Pictures' header facts as last read, kept by the preview server between builds: reading
/// them means reading and hashing each whole photo, so a file is read again only when its size
/// or modification time changed.
#[derive(Default)]
pub struct PictureMemo(RwLock<HashMap<PathBuf, (Stamped, InfoResult)>>);

impl PictureMemo {
    /// The header facts of `source`, from what was kept when it did not change since.
    fn info(&self, source: &Path) -> InfoResult {
        let Some(now) = Stamped::take(source) else {
            return read_image_info(source);
        };
        if let Ok(kept) = self.0.read()
            && let Some((then, info)) = kept.get(source)
            && now.unchanged_since(then)
        {
            return info.clone();
        }
        let info = read_image_info(source);
        if let Ok(mut kept) = self.0.write() {
            kept.insert(source.to_path_buf(), (now, info.clone()));
        }
        info
    }
}

impl std::fmt::Debug for PictureMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PictureMemo")
    }
}

/// Reads pictures once and collects the files they are published as. Shared by the threads
/// that render Markdown and by templates asking for sizes.
#[derive(Debug)]
pub struct Pictures {
    urls: Urls,
    /// The site folder, against which templates name pictures.
    root: PathBuf,
    infos: Mutex<HashMap<PathBuf, InfoResult>>,
    /// Header facts kept from earlier builds (the preview server's).
    kept: Option<Arc<PictureMemo>>,
    jobs: Mutex<BTreeSet<ImageJob>>,
}

impl Pictures {
    /// An empty registry for the site in `root`, publishing under `urls`, reading headers
    /// through `kept` when given.
    pub fn new(urls: &Urls, root: &Path, kept: Option<Arc<PictureMemo>>) -> Pictures {
        Pictures {
            urls: urls.clone(),
            root: root.to_path_buf(),
            infos: Mutex::new(HashMap::new()),
            kept,
            jobs: Mutex::new(BTreeSet::new()),
        }
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The header facts of `source`, read once.
    pub fn info(&self, source: &Path) -> Result<ImageInfo, (Text, Text)> {
        if let Some(known) = lock(&self.infos).get(source) {
            return known.clone();
        }
        let info = match &self.kept {
            Some(kept) => kept.info(source),
            None => read_image_info(source),
        };
        lock(&self.infos).insert(source.to_path_buf(), info.clone());
        info
    }

    /// Plans the responsive files of `source`. `as_is_path` is where the file is published
    /// when it is not processed (SVG and GIF are copied as they are).
    pub fn picture(
        &self,
        source: &Path,
        alt: &str,
        as_is_path: &str,
    ) -> Result<ImageView, (Text, Text)> {
        let info = self.info(source)?;
        let Some((w, h)) = resizable_size(&info) else {
            if is_processed_picture(source) {
                // Named as a photo, so it is not copied as it is: it must be one.
                return Err(misnamed(&info));
            }
            return Ok(self.as_is(as_is_path, alt, &info));
        };
        let fallback = fallback_format(&info);
        let sizes: Vec<(u32, u32)> = widths_for(w)
            .into_iter()
            .map(|tw| (tw, scaled_height(w, h, tw)))
            .collect();
        let webp: Vec<ImageJob> = sizes
            .iter()
            .map(|&(tw, th)| self.job(source, &info, (tw, th), VariantFormat::Webp, Fit::Scale))
            .collect();
        let plain: Vec<ImageJob> = sizes
            .iter()
            .map(|&(tw, th)| self.job(source, &info, (tw, th), fallback, Fit::Scale))
            .collect();
        let Some(largest) = plain.last() else {
            return Ok(self.as_is(as_is_path, alt, &info));
        };
        let view = ImageView {
            url: self.urls.path(&largest.to),
            permalink: self.urls.permalink(&largest.to),
            alt: alt.to_string(),
            width: Some(largest.width),
            height: Some(largest.height),
            srcset: self.srcset(&plain),
            webp_srcset: self.srcset(&webp),
        };
        self.register(webp.into_iter().chain(plain));
        Ok(view)
    }

    /// Plans one file of `source` at `width` x `height` (either may be omitted and follows
    /// the proportions), never larger than the source.
    pub fn resized(
        &self,
        source: &Path,
        size: (Option<u32>, Option<u32>),
        fit: Fit,
        format: Option<VariantFormat>,
    ) -> Result<ResizedImage, (Text, Text)> {
        let info = self.info(source)?;
        let (w, h) = resizable_size(&info).ok_or_else(not_resizable)?;
        let target = fitted_size((w, h), size, fit);
        let format = format.unwrap_or_else(|| fallback_format(&info));
        let job = self.job(source, &info, target, format, fit);
        let resized = ResizedImage {
            url: self.urls.path(&job.to),
            permalink: self.urls.permalink(&job.to),
            width: job.width,
            height: job.height,
        };
        self.register([job]);
        Ok(resized)
    }

    /// The picture shown when a page is shared: 1200 x 630, cropped, JPEG.
    pub fn og_image(&self, source: &Path) -> Option<ResizedImage> {
        self.resized(
            source,
            (Some(OG_SIZE.0), Some(OG_SIZE.1)),
            Fit::Crop,
            Some(VariantFormat::Jpeg),
        )
        .ok()
    }

    /// A template's `resize_image(path=..., width=..., height=..., op=..., format=...)`:
    /// `path` inside the site folder (`static/banner.jpg`, `berita/bimtek/foto.jpg`), `op`
    /// `fit` (the default: whole picture inside the size) or `fill` (cover the size, cut the
    /// rest), `format` `webp`, `jpg` or `png` (default: JPEG, or PNG with transparency).
    pub fn template_resize(
        &self,
        path: &str,
        size: (Option<u32>, Option<u32>),
        op: Option<&str>,
        format: Option<&str>,
    ) -> Result<ResizedImage, String> {
        let inside = crate::markdown::normalize(Path::new(path.trim_start_matches('/')))
            .filter(|p| !p.as_os_str().is_empty())
            .ok_or_else(|| {
                format!("resize_image: `{path}` harus berada di dalam folder situs (must be inside the site folder)")
            })?;
        let fit = match op.unwrap_or("fit") {
            "fit" | "fit_width" | "fit_height" => Fit::Scale,
            "fill" => Fit::Crop,
            other => {
                return Err(format!(
                    "resize_image: op `{other}` tidak dikenal; pakai `fit` atau `fill` (unknown op; use `fit` or `fill`)"
                ));
            }
        };
        let format = match format {
            None => None,
            Some(name) => Some(VariantFormat::from_name(name).ok_or_else(|| {
                format!("resize_image: format `{name}` tidak dikenal; pakai `webp`, `jpg` atau `png` (unknown format)")
            })?),
        };
        if size == (None, None) {
            return Err(
                "resize_image: tulis `width`, `height` atau keduanya (give width, height or both)"
                    .into(),
            );
        }
        self.resized(&self.root.join(&inside), size, fit, format)
            .map_err(|(message, hint)| {
                format!(
                    "resize_image: {path}: {} ({}); {}",
                    message.id, message.en, hint.id
                )
            })
    }

    /// Every file planned so far, sorted and without repeats.
    pub fn jobs(&self) -> Vec<ImageJob> {
        lock(&self.jobs).iter().cloned().collect()
    }

    fn as_is(&self, path: &str, alt: &str, info: &ImageInfo) -> ImageView {
        ImageView {
            url: self.urls.path(path),
            permalink: self.urls.permalink(path),
            alt: alt.to_string(),
            width: info.width,
            height: info.height,
            srcset: String::new(),
            webp_srcset: String::new(),
        }
    }

    fn job(
        &self,
        source: &Path,
        info: &ImageInfo,
        (width, height): (u32, u32),
        format: VariantFormat,
        fit: Fit,
    ) -> ImageJob {
        let key = xxhash_rust::xxh3::xxh3_64(
            format!(
                "{PIPELINE_VERSION}:{:x}:{width}x{height}:{format:?}:{fit:?}",
                info.hash
            )
            .as_bytes(),
        );
        let stem = file_stem_slug(source);
        let label = match fit {
            Fit::Crop => format!("{width}x{height}"),
            Fit::Scale => width.to_string(),
        };
        ImageJob {
            source: source.to_path_buf(),
            width,
            height,
            format,
            fit,
            to: format!(
                "{IMAGE_DIR}/{stem}-{label}-{:010x}.{}",
                key & 0xFF_FFFF_FFFF,
                format.extension()
            ),
        }
    }

    fn srcset(&self, jobs: &[ImageJob]) -> String {
        jobs.iter()
            .map(|j| format!("{} {}w", self.urls.path(&j.to), j.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn register(&self, jobs: impl IntoIterator<Item = ImageJob>) {
        lock(&self.jobs).extend(jobs);
    }
}

/// Locks a mutex, going on when another thread panicked while holding it (the data are
/// plain maps that stay consistent).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The size of a picture cerdas resizes: a photo (JPEG, PNG, WebP) whose size is known. SVG
/// and GIF are published as they are.
fn resizable_size(info: &ImageInfo) -> Option<(u32, u32)> {
    let raster = !matches!(info.format, ImageFormat::Svg | ImageFormat::Gif);
    raster.then_some((info.width?, info.height?))
}

/// The format of the files that are not WebP: PNG for a picture with transparency, else JPEG.
fn fallback_format(info: &ImageInfo) -> VariantFormat {
    if info.alpha {
        VariantFormat::Png
    } else {
        VariantFormat::Jpeg
    }
}

/// Whether a file is a photo published only as resized copies (JPEG, PNG, WebP), never as it
/// is: the original may be large and carry the place it was taken in its EXIF data.
pub fn is_processed_picture(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["jpg", "jpeg", "png", "webp"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

fn misnamed(info: &ImageInfo) -> (Text, Text) {
    let kind = format!("{:?}", info.format).to_uppercase();
    (
        Text::new(
            format!("isi berkas ini gambar {kind}, bukan foto seperti yang dikatakan namanya"),
            format!("this file holds a {kind} image, not the photo its name says"),
        ),
        Text::new(
            format!("ganti akhiran nama berkas menjadi .{}", kind.to_lowercase()),
            format!("change the file name's ending to .{}", kind.to_lowercase()),
        ),
    )
}

fn not_resizable() -> (Text, Text) {
    (
        Text::new(
            "gambar ini tidak dapat diubah ukurannya (SVG dan GIF dipakai apa adanya)",
            "this image cannot be resized (SVG and GIF are used as they are)",
        ),
        Text::new(
            "pakai foto JPEG, PNG atau WebP, atau tampilkan gambar ini tanpa mengubah ukurannya",
            "use a JPEG, PNG or WebP photo, or show this image without resizing it",
        ),
    )
}

/// The widths a picture `w` pixels wide is published at: the standard widths below it, and
/// its own width when it is narrower than the largest.
pub fn widths_for(w: u32) -> Vec<u32> {
    let largest = WIDTHS[WIDTHS.len() - 1];
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&x| x < w).collect();
    widths.push(w.min(largest));
    widths.dedup();
    widths
}

fn scaled_height(w: u32, h: u32, target_w: u32) -> u32 {
    ((u64::from(h) * u64::from(target_w) + u64::from(w) / 2) / u64::from(w)).max(1) as u32
}

/// The size of a picture `(w, h)` asked for at `size`, never larger than the picture.
fn fitted_size((w, h): (u32, u32), size: (Option<u32>, Option<u32>), fit: Fit) -> (u32, u32) {
    let (tw, th) = match size {
        (Some(tw), Some(th)) => (tw.max(1), th.max(1)),
        (Some(tw), None) => (tw.max(1), scaled_height(w, h, tw.max(1))),
        (None, Some(th)) => (scaled_height(h, w, th.max(1)), th.max(1)),
        (None, None) => (w, h),
    };
    // `(x, y)` scaled by the smaller of `a/c` and `b/d`, never enlarged.
    let shrink = |(x, y): (u32, u32), (a, b): (u32, u32), (c, d): (u32, u32)| {
        let scale = (f64::from(a) / f64::from(c))
            .min(f64::from(b) / f64::from(d))
            .min(1.0);
        let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
        (side(x), side(y))
    };
    match fit {
        // Shrink the box until it fits inside the picture, keeping the box's proportions.
        Fit::Crop => shrink((tw, th), (w, h), (tw, th)),
        // Fit the picture inside the box, keeping the picture's proportions.
        Fit::Scale => shrink((w, h), (tw, th), (w, h)),
    }
}

/// The source's name as a URL-safe word (`Foto Bimtek 1.JPG` -> `foto-bimtek-1`).
fn file_stem_slug(source: &Path) -> String {
    let stem = source
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("gambar");
    let slug = crate::content::types::slugify(stem);
    if slug.is_empty() {
        "gambar".to_string()
    } else {
        slug
    }
}

/// `<picture>` markup for a picture inside a page body.
pub fn picture_html(view: &ImageView, sizes: &str) -> String {
    let mut html = String::from("<picture>");
    if !view.webp_srcset.is_empty() {
        html.push_str(&format!(
            r#"<source type="image/webp" srcset="{}" sizes="{sizes}">"#,
            escape_html(&view.webp_srcset)
        ));
    }
    html.push_str(&format!(
        r#"<img src="{}" alt="{}""#,
        escape_html(&view.url),
        escape_html(&view.alt)
    ));
    if !view.srcset.is_empty() {
        html.push_str(&format!(
            r#" srcset="{}" sizes="{sizes}""#,
            escape_html(&view.srcset)
        ));
    }
    if let (Some(w), Some(h)) = (view.width, view.height) {
        html.push_str(&format!(r#" width="{w}" height="{h}""#));
    }
    html.push_str(r#" loading="lazy" decoding="async"></picture>"#);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale() {
        assert_eq!(widths_for(4000), vec![480, 800, 1200]);
        assert_eq!(widths_for(1200), vec![480, 800, 1200]);
        assert_eq!(widths_for(900), vec![480, 800, 900]);
        assert_eq!(widths_for(300), vec![300]);
        assert_eq!(widths_for(480), vec![480]);
    }

    #[test]
    fn sizes_keep_proportions() {
        assert_eq!(scaled_height(4000, 3000, 800), 600);
        assert_eq!(
            fitted_size((4000, 3000), (Some(1200), Some(630)), Fit::Crop),
            (1200, 630)
        );
        assert_eq!(
            fitted_size((600, 400), (Some(1200), Some(630)), Fit::Crop),
            (600, 315)
        );
        assert_eq!(
            fitted_size((4000, 3000), (Some(400), Some(400)), Fit::Scale),
            (400, 300)
        );
        assert_eq!(
            fitted_size((4000, 3000), (None, Some(300)), Fit::Scale),
            (400, 300)
        );
    }
}
