//! The `kubeha` command: parse arguments, run, map the outcome to an exit code.

mod cli;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use kubeha::config::{Config, ConfigError};
use kubeha::render::{self, HumanOptions};
use kubeha::rules::RULES;
use kubeha::{Input, Severity, lint, suggest};

use cli::{CheckArgs, Cli, Command, DebugCommand, FailOn, Format, ListFormat};

const USAGE_ERROR: u8 = 2;
/// A baseline larger than this is not one kubeha wrote.
const MAX_BASELINE_BYTES: usize = 256 << 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules { format } => list_rules(format).map(|()| ExitCode::SUCCESS),
        Command::Explain { rule } => explain(&rule),
        Command::Debug(DebugCommand::ParseFloor { paths }) => {
            let inputs: Vec<Input> = paths.into_iter().map(Input::Path).collect();
            let (files, events) = kubeha::parse_floor(&inputs);
            writeln!(io::stdout(), "{files} files, {events} events").map(|()| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        // `kubeha check | head`: stop quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "kubeha: {e}");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

fn use_color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn report_config_error(e: &ConfigError) -> ExitCode {
    let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let file = kubeha::source::SourceFile::new(
        e.source_code.name().to_owned(),
        e.source_code.inner().clone(),
    );
    let span = e.span.map(|s| {
        let start = u32::try_from(s.offset()).unwrap_or(u32::MAX);
        let end = u32::try_from(s.offset() + s.len()).unwrap_or(u32::MAX);
        (kubeha::source::Span::new(start, end), e.label.as_str())
    });
    let out = render::human_error(&file, &e.message, span, e.help.as_deref(), color);
    let _ = writeln!(io::stderr(), "{out}");
    ExitCode::from(USAGE_ERROR)
}

fn load_config(args: &CheckArgs) -> Result<Config, ConfigError> {
    let mut config = if args.no_config {
        Config::default()
    } else if let Some(path) = &args.config {
        Config::from_file(path)?
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        match Config::discover(&cwd) {
            Some(path) => Config::from_file(&path)?,
            None => Config::default(),
        }
    };
    if !args.select.is_empty() {
        config.select(&args.select)?;
    }
    config.ignore(&args.ignore)?;
    if let Some(v) = &args.kubernetes_version {
        config.kubernetes_version =
            kubeha::config::parse_kubernetes_version(v).ok_or_else(|| {
                ConfigError::plain(
                    format!("`--kubernetes-version {v}` is not a version"),
                    Some("use MAJOR.MINOR, e.g. `--kubernetes-version 1.30`".to_owned()),
                )
            })?;
    }
    Ok(config)
}

fn check(args: &CheckArgs) -> io::Result<ExitCode> {
    let config = match load_config(args) {
        Ok(config) => config,
        Err(e) => return Ok(report_config_error(&e)),
    };
    let mut inputs = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        if path.as_os_str() == "-" {
            // Over the limit: keep one byte more than it, so the loader reports the size.
            let limit = config.limits.max_file_bytes;
            let bytes = match kubeha::discover::read_limited(io::stdin().lock(), limit)? {
                Some(bytes) => bytes,
                None => vec![b' '; limit.saturating_add(1)],
            };
            inputs.push(Input::Stdin {
                name: args.stdin_filename.clone(),
                bytes,
            });
        } else {
            inputs.push(Input::Path(path.clone()));
        }
    }
    inputs.extend(args.context.iter().cloned().map(Input::Context));
    // The process exits right after this function: the OS reclaims the report's memory at
    // once, where dropping it (every file's text, every finding) would be a serial tail.
    if let Some(target) = args
        .output
        .iter()
        .chain(&args.write_baseline)
        .find(|t| is_input(t, &args.paths))
    {
        writeln!(
            io::stderr(),
            "kubeha: error: refusing to write {}: it is one of the inputs",
            target.display()
        )?;
        return Ok(ExitCode::from(USAGE_ERROR));
    }
    let mut report = std::mem::ManuallyDrop::new(lint(&inputs, &config));
    if let Some(path) = &args.write_baseline {
        return write_baseline(&report, path);
    }
    if let Some(path) = &args.baseline
        && let Some(code) = apply_baseline(&mut report, path)?
    {
        return Ok(code);
    }

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match &args.output {
        Some(path) => {
            write_atomically(path, |file| render_to(&report, args.format, file))?;
            render_to(&report, Format::Human, &mut out)?;
        }
        None => render_to(&report, args.format, &mut out)?,
    }
    out.flush()?;
    drop(out);

    let mut stderr = io::stderr().lock();
    for w in &report.warnings {
        writeln!(stderr, "kubeha: warning: {w}")?;
    }
    for e in &report.input_errors {
        writeln!(stderr, "kubeha: error: {}: {}", e.path, e.message)?;
    }
    if !report.input_errors.is_empty() {
        return Ok(ExitCode::from(USAGE_ERROR));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--baseline`: drop the findings it has; `Some(exit code)` when it cannot be used.
fn apply_baseline(
    report: &mut kubeha::Report,
    path: &std::path::Path,
) -> io::Result<Option<ExitCode>> {
    let text = match kubeha::discover::read_file_limited(path, MAX_BASELINE_BYTES)
        .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
    {
        Ok(text) => text,
        Err(e) => {
            writeln!(
                io::stderr(),
                "kubeha: error: cannot read baseline {}: {e}",
                path.display()
            )?;
            return Ok(Some(ExitCode::from(USAGE_ERROR)));
        }
    };
    match serde_json::from_str::<kubeha::baseline::Baseline>(&text) {
        Ok(baseline) if baseline.version != kubeha::baseline::VERSION => {
            writeln!(
                io::stderr(),
                "kubeha: error: {} is a version {} baseline; this kubeha reads version {}: write it again with --write-baseline",
                path.display(),
                baseline.version,
                kubeha::baseline::VERSION
            )?;
            return Ok(Some(ExitCode::from(USAGE_ERROR)));
        }
        Ok(baseline) => report.baselined = baseline.filter(report),
        Err(e) => {
            writeln!(
                io::stderr(),
                "kubeha: error: {} is not a kubeha baseline: {e}",
                path.display()
            )?;
            return Ok(Some(ExitCode::from(USAGE_ERROR)));
        }
    }
    Ok(None)
}

/// `--write-baseline`: record the run's findings, only when every input was read.
fn write_baseline(report: &kubeha::Report, path: &std::path::Path) -> io::Result<ExitCode> {
    if !report.input_errors.is_empty() {
        // A baseline of a partial run would hide the unread files' findings later.
        for e in &report.input_errors {
            writeln!(io::stderr(), "kubeha: error: {}: {}", e.path, e.message)?;
        }
        writeln!(
            io::stderr(),
            "kubeha: error: baseline not written: some inputs could not be read"
        )?;
        return Ok(ExitCode::from(USAGE_ERROR));
    }
    let baseline = kubeha::baseline::Baseline::of(report);
    let json = serde_json::to_string_pretty(&baseline).map_err(io::Error::other)?;
    write_atomically(path, |out| out.write_all((json + "\n").as_bytes()))?;
    writeln!(
        io::stderr(),
        "kubeha: recorded {} in {}",
        kubeha::rules::plural(baseline.findings.len(), "finding", "findings"),
        path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Whether `target` names the same file as one of the inputs.
fn is_input(target: &std::path::Path, inputs: &[std::path::PathBuf]) -> bool {
    let Ok(target) = std::fs::canonicalize(target) else {
        return false;
    };
    inputs
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .any(|p| p == target)
}

/// Writes `path` through a temporary file in the same directory, renamed over it at the end:
/// a full disk or a failed render leaves the previous file (a baseline, a report) intact.
/// Every error names the file.
fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let named =
        |e: io::Error| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().map_or_else(
        || std::ffi::OsString::from("kubeha-output"),
        std::ffi::OsStr::to_os_string,
    );
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(&name);
    tmp_name.push(format!(".kubeha-{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(named)
}

fn render_to(report: &kubeha::Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => {
            let options = HumanOptions {
                color: use_color(),
                width: std::env::var("COLUMNS")
                    .ok()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(100),
            };
            render::human(report, options, out)
        }
        Format::Concise => render::concise(report, out),
        Format::Json => render::json(report, out),
        Format::Sarif => render::sarif(report, out),
        Format::Junit => render::junit(report, out),
        Format::Github => render::github(report, out),
    }
}

fn list_rules(format: ListFormat) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut rules: Vec<_> = RULES.iter().map(|r| r.meta()).collect();
    rules.sort_by_key(|m| m.group);
    match format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "name": m.name,
                        "group": m.group.as_str(),
                        "severity": m.severity.as_str(),
                        "enabled": m.enabled,
                        "summary": m.summary,
                        "options": m.options.iter().map(|o| o.name).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &list).map_err(io::Error::other)?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            let width = rules.iter().map(|m| m.name.len()).max().unwrap_or(0);
            let mut group = None;
            for m in rules {
                if group != Some(m.group) {
                    if group.is_some() {
                        writeln!(out)?;
                    }
                    writeln!(out, "{}", m.group)?;
                    group = Some(m.group);
                }
                writeln!(
                    out,
                    "  {:width$}  {:7}  {:3}  {}",
                    m.name,
                    m.severity.as_str(),
                    if m.enabled { "on" } else { "off" },
                    m.summary
                )?;
            }
        }
    }
    out.flush()
}

fn explain(rule: &str) -> io::Result<ExitCode> {
    if let Some(r) = kubeha::rules::find(rule) {
        let mut out = io::stdout().lock();
        out.write_all(r.meta().doc.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let hint = suggest::hint(rule, kubeha::rules::names())
        .unwrap_or_else(|| "`kubeha rules` lists every rule".to_owned());
    writeln!(io::stderr(), "kubeha: error: unknown rule `{rule}`; {hint}")?;
    Ok(ExitCode::from(USAGE_ERROR))
}
