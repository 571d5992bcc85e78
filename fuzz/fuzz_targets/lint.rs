//! Fuzz the whole pipeline: any input must produce a report (findings inside the file), never a panic.
#![no_main]

use kubeha::{Config, InputFile, Inputs, lint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // As `kubeha check` runs: worker stacks deep enough for the nesting limits.
        let _ = rayon::ThreadPoolBuilder::new().stack_size(8 << 20).build_global();
    },
    |data: &[u8]| {
    let inputs = Inputs {
        files: vec![InputFile::in_memory("fuzz.yaml", None, data.to_vec())],
        ..Inputs::default()
    };
    let report = lint(inputs, &Config::default());
    for f in &report.findings {
        let len = report.files[f.file.index()].text.len() as u32;
        assert!(f.span.start <= f.span.end && f.span.end <= len, "{f:?}");
    }
    }
);
