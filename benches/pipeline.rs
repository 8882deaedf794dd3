//! In-process benchmarks of the build's stages (criterion): front matter, Markdown, and a
//! whole regency built in memory. Whole builds against Hugo are in `tools/bench.py`.
//!
//!     cargo bench --bench pipeline

use std::hint::black_box;
use std::path::{Path, PathBuf};

use cerdas::content::frontmatter::{parse_yaml, split_front_matter};
use cerdas::content::kinds::BeritaMeta;
use cerdas::markdown::{LinkTargets, render_markdown};
use criterion::{Criterion, criterion_group, criterion_main};

const NEWS: &str = "---\ntitle: \"Bimtek Tahap II Masterplan Smart City\"\ndate: 2022-08-15T09:00:00+07:00\nsummary: \"Ringkasan.\"\nauthor: \"Humas Kabupaten Agam\"\nevent:\n  kind: bimtek\n  stage: \"Tahap II\"\ndimensions: [smart-governance, smart-society]\nprograms: [satu-data]\ntags: [bimtek, masterplan, quick-win]\n---\n";

fn body() -> String {
    let para = "Pemerintah daerah bersama perangkat daerah menyusun masterplan smart city dan program quick win untuk pelayanan publik yang lebih cepat, terbuka dan dekat dengan warga nagari. ";
    let mut out = String::new();
    for section in 0..3 {
        out.push_str(&para.repeat(4));
        out.push_str(&format!("\n\n## Bagian {section} dari kegiatan\n\n"));
        out.push_str("- data sektoral\n- layanan daring\n- literasi digital\n\n");
        out.push_str("| OPD | Peserta |\n|---|---:|\n| Diskominfo | 12 |\n| Bappeda | 8 |\n\n");
        out.push_str(
            "Baca juga [berita lain](lain.md) dan [program](../program/satu-data.md).\n\n",
        );
    }
    out
}

struct Targets;

impl LinkTargets for Targets {
    fn url_of(&self, path: &Path) -> Option<String> {
        Some(format!("/{}/", path.with_extension("").display()))
    }
    fn file_exists(&self, _: &Path) -> bool {
        true
    }
}

fn stages(c: &mut Criterion) {
    let source = format!("{NEWS}{}", body());
    let file = Path::new("berita/bimtek.md");
    c.bench_function("front matter: split and read a news item", |b| {
        b.iter(|| {
            let split = split_front_matter(file, black_box(&source)).ok();
            split.and_then(|s| parse_yaml::<BeritaMeta>(file, &source, s.yaml, s.yaml_line).ok())
        })
    });
    let text = body();
    c.bench_function("markdown: render a 500-word news body", |b| {
        b.iter(|| render_markdown(black_box(&text), Path::new("berita"), &Targets))
    });
    let sample: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content-sample")
        .join("agam");
    c.bench_function("build in memory: content-sample/agam", |b| {
        b.iter(|| {
            cerdas::build::build_in_memory(black_box(&sample), None)
                .map(|(_, files, _)| files.len())
        })
    });
}

criterion_group!(benches, stages);
criterion_main!(benches);
