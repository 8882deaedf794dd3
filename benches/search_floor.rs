//! What Pagefind's format costs before cerdas reads a word (issue 16): every page's fragment
//! compressed on its own (libdeflate's fastest level, as cerdas does) and written as a file
//! of its own, one thread, the CPU time (user and system) of each step. The fragments are taken
//! from a built site's bundle and inflated first.
//!
//!     cargo bench --bench search_floor -- OUTPUT_FOLDER [SCRATCH_FOLDER]
//!
//! SCRATCH_FOLDER (default: a temporary folder) receives the files; on tmpfs (`/dev/shm/...`)
//! the disk is out of the figure, as in BENCHMARKS.md.

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

/// CPU seconds (user + system) this process has used.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes the struct it is given and reads nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(output) = args.first() else {
        return Err("usage: cargo bench --bench search_floor -- OUTPUT_FOLDER [SCRATCH]".into());
    };
    let scratch_dir = tempfile::tempdir()?;
    let scratch = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch_dir.path().to_path_buf());
    let mut fragments = Vec::new();
    for entry in std::fs::read_dir(PathBuf::from(output).join("pagefind/fragment"))? {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(entry?.path())?).read_to_end(&mut raw)?;
        fragments.push(raw);
    }
    let raw_bytes: usize = fragments.iter().map(Vec::len).sum();

    let mut compressor = libdeflater::Compressor::new(
        libdeflater::CompressionLvl::new(1).map_err(|e| format!("{e:?}"))?,
    );
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let mut gzipped = Vec::with_capacity(fragments.len());
    for raw in &fragments {
        let mut out = vec![0; compressor.gzip_compress_bound(raw.len())];
        let written = compressor
            .gzip_compress(raw, &mut out)
            .map_err(|e| format!("{e:?}"))?;
        out.truncate(written);
        gzipped.push(out);
    }
    let (gzip_cpu, gzip_wall) = (cpu_seconds() - cpu, wall.elapsed().as_secs_f64());

    let folder = scratch.join("fragment");
    std::fs::create_dir_all(&folder)?;
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    for (n, bytes) in gzipped.iter().enumerate() {
        std::fs::write(folder.join(format!("{n:08}.pf_fragment")), bytes)?;
    }
    let (write_cpu, write_wall) = (cpu_seconds() - cpu, wall.elapsed().as_secs_f64());
    std::fs::remove_dir_all(&folder)?;

    let gz_bytes: usize = gzipped.iter().map(Vec::len).sum();
    println!(
        "{} fragments, {:.1} MB -> {:.1} MB gzipped",
        fragments.len(),
        raw_bytes as f64 / 1e6,
        gz_bytes as f64 / 1e6
    );
    println!("gzip (libdeflate level 1): {gzip_cpu:.2} s CPU, {gzip_wall:.2} s wall");
    println!("one file each:             {write_cpu:.2} s CPU, {write_wall:.2} s wall");
    Ok(())
}
