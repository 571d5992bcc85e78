//! The `kubeha` command: parse arguments, run, map the outcome to an exit code.

mod cli;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use kubeha::config::{Config, ConfigError};
use kubeha::configs::Resolver;
use kubeha::discover::Policy as _;
use kubeha::render::{self, HumanOptions};
use kubeha::rules::RULES;
use kubeha::{Input, Severity, Workspace, analyze_set, suggest};

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
        Command::Lsp => in_pool(0, kubeha::lsp::run_stdio).map(|()| ExitCode::SUCCESS),
        Command::ConfigSchema => {
            let text =
                serde_json::to_string_pretty(&kubeha::config::schema()).map_err(io::Error::other);
            text.and_then(|t| writeln!(io::stdout(), "{t}"))
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "kubeha", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command)
                .render(&mut io::stdout())
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Debug(DebugCommand::ParseFloor { paths }) => {
            let inputs: Vec<Input> = paths.into_iter().map(Input::Path).collect();
            let read = kubeha::discover::read_inputs(&inputs, &Config::default());
            let (files, events) = kubeha::load::parse_floor(read);
            writeln!(io::stdout(), "{files} files, {events} events").map(|()| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        // `kubeha check | head`: stop quietly.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "kubeha: {e}");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

/// `--color`, then `NO_COLOR` / `FORCE_COLOR` (<https://no-color.org>, <https://force-color.org>),
/// then whether stdout is a terminal.
fn use_color(choice: cli::Color) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match choice {
        cli::Color::Always => true,
        cli::Color::Never => false,
        cli::Color::Auto => {
            if set("NO_COLOR") {
                false
            } else {
                set("FORCE_COLOR") || io::stdout().is_terminal()
            }
        }
    }
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

/// Reads a config (`None`: the defaults) and applies the command-line switches to it.
fn load_config(args: &CheckArgs, path: Option<&std::path::Path>) -> Result<Config, ConfigError> {
    let mut config = match path {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    let cwd = kubeha::discover::current_dir();
    for glob in &args.exclude {
        config.exclude.add(&cwd, glob).map_err(|e| {
            ConfigError::plain(format!("`--exclude {glob}` is not a glob: {e}"), None)
        })?;
    }
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
    config.threads = args.threads.unwrap_or(0);
    Ok(config)
}

/// Which config governs each file (see `kubeha::configs`): `--config` or `--no-config` for
/// all, else each file's nearest `.kubeha.yaml`; the run's own is the nearest to the first
/// path named (standard input: its `--stdin-filename`), else to the working directory.
fn resolver<'a>(
    args: &CheckArgs,
    load: &'a kubeha::configs::LoadConfig<'a>,
) -> Result<Resolver<'a>, ConfigError> {
    if args.no_config {
        return Ok(Resolver::fixed(load(None)?, load));
    }
    if let Some(path) = &args.config {
        return Ok(Resolver::fixed(load(Some(path))?, load));
    }
    let cwd = kubeha::discover::current_dir();
    let first = args.paths.first().map_or_else(
        || cwd.clone(),
        |p| {
            let abs = if p.as_os_str() == "-" {
                match &args.stdin_filename {
                    Some(n) => kubeha::discover::absolute(std::path::Path::new(n), &cwd),
                    None => return cwd.clone(),
                }
            } else {
                kubeha::discover::absolute(p, &cwd)
            };
            if abs.is_dir() {
                abs
            } else {
                abs.parent()
                    .map_or_else(|| cwd.clone(), std::path::Path::to_path_buf)
            }
        },
    );
    Resolver::new(&first, load)
}

fn check(args: &CheckArgs) -> io::Result<ExitCode> {
    if args.stdin_filename.is_some() && !args.paths.iter().any(|p| p.as_os_str() == "-") {
        writeln!(
            io::stderr(),
            "kubeha: error: `--stdin-filename` names standard input, which is read only with `-` among the paths (e.g. `kubeha check - --stdin-filename k8s/app.yaml`)"
        )?;
        return Ok(ExitCode::from(USAGE_ERROR));
    }
    let load = |path: Option<&std::path::Path>| load_config(args, path);
    let resolver = match resolver(args, &load) {
        Ok(resolver) => resolver,
        Err(e) => return Ok(report_config_error(&e)),
    };
    let cwd = kubeha::discover::current_dir();
    let mut inputs = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        if path.as_os_str() == "-" {
            // Over the limit: keep one byte more than it, so the loader reports the size.
            let name = args.stdin_filename.as_deref().unwrap_or("");
            let limit = resolver.max_file_bytes(&kubeha::discover::absolute(
                std::path::Path::new(name),
                &cwd,
            ));
            let bytes = match kubeha::discover::read_limited(io::stdin().lock(), limit)? {
                Some(bytes) => bytes,
                None => vec![b' '; limit.saturating_add(1)],
            };
            inputs.push(Input::Stdin {
                name: args
                    .stdin_filename
                    .clone()
                    .unwrap_or_else(|| "<stdin>".to_owned()),
                bytes,
            });
        } else {
            inputs.push(Input::Path(path.clone()));
        }
    }
    inputs.extend(args.context.iter().cloned().map(Input::Context));
    let threads = args.threads.unwrap_or(0);
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
    if args.fix || args.diff {
        return check_fix(args, &resolver, &inputs);
    }
    // The process exits right after this function: the OS reclaims the report's memory at
    // once, where dropping it (every file's text, every finding) would be a serial tail.
    let report = in_pool(threads, || {
        let read = kubeha::discover::read_inputs(&inputs, &resolver);
        let configs = resolver.finish(&read)?;
        let workspace = Workspace::load_set(read, &configs);
        let report = analyze_set(&workspace, &configs);
        drop_in_background(workspace);
        Ok(report)
    });
    let mut report = match report {
        Ok(report) => std::mem::ManuallyDrop::new(report),
        Err(e) => return Ok(report_config_error(&e)),
    };
    if let Some(path) = &args.write_baseline {
        return write_baseline(&report, path);
    }
    if let Some(path) = &args.baseline
        && let Some(code) = apply_baseline(&mut report, path)?
    {
        return Ok(code);
    }

    print_report(&report, args)?;

    let mut stderr = io::stderr().lock();
    if let Some(code) = run_problems(&report, args, &mut stderr) {
        return Ok(code);
    }
    let threshold = fail_threshold(args.fail_on);
    let failed = threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints the run's warnings and input errors; `Some(exit code)` when the run itself failed
/// (an input could not be read, or nothing was linted without `--allow-empty`).
fn run_problems(
    report: &kubeha::Report,
    args: &CheckArgs,
    stderr: &mut dyn Write,
) -> Option<ExitCode> {
    for w in report.warnings.iter().filter(|_| !args.quiet) {
        let _ = writeln!(stderr, "kubeha: warning: {w}");
    }
    for e in &report.input_errors {
        let _ = writeln!(stderr, "kubeha: error: {}: {}", e.path, e.message);
    }
    if !report.input_errors.is_empty() {
        return Some(ExitCode::from(USAGE_ERROR));
    }
    if report.linted_files() == 0 && !args.allow_empty {
        no_manifest(report, args, stderr);
        return Some(ExitCode::from(USAGE_ERROR));
    }
    None
}

/// `check --fix` / `--diff`: lint, fix, lint again until no applicable fix is left (see
/// `kubeha::fix`); then write the changed files (`--fix`) or print their diff (`--diff`). Only
/// linted files on disk are written, atomically; standard input's fixed text goes to stdout,
/// and the report then to stderr.
fn check_fix(args: &CheckArgs, resolver: &Resolver<'_>, inputs: &[Input]) -> io::Result<ExitCode> {
    use kubeha::finding::Applicability;
    let level = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let baseline = match &args.baseline {
        Some(path) => match load_baseline(path)? {
            Ok(b) => Some(b),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    let filter = |report: &mut kubeha::Report| {
        if let Some(b) = &baseline {
            report.baselined = b.filter(report);
        }
    };
    let fixed = in_pool(args.threads.unwrap_or(0), || {
        let read = kubeha::discover::read_inputs(inputs, resolver);
        let configs = resolver.finish(&read)?;
        let mut workspace = Workspace::load_set(read, &configs);
        Ok(kubeha::fix::fix_workspace(
            &mut workspace,
            &configs,
            level,
            &filter,
        ))
    });
    let fixed = match fixed {
        Ok(fixed) => fixed,
        Err(e) => return Ok(report_config_error(&e)),
    };
    let report = &fixed.report;
    let mut stderr = io::stderr().lock();
    if args.diff {
        let mut out = BufWriter::new(io::stdout().lock());
        for c in &fixed.changed {
            out.write_all(
                kubeha::fix::unified_diff(&c.original.name, &c.original.text, &c.text).as_bytes(),
            )?;
        }
        out.flush()?;
        if !args.quiet {
            let _ = writeln!(
                stderr,
                "kubeha: would fix {} in {}",
                kubeha::rules::plural(fixed.fixed, "finding", "findings"),
                kubeha::rules::plural(fixed.changed.len(), "file", "files")
            );
        }
    } else {
        for c in fixed.changed.iter().filter(|c| !c.original.stdin) {
            // Through a symlink to its target: renaming over the link would replace it.
            let path = std::path::Path::new(&c.original.name);
            let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
            write_atomically(&target, |out| out.write_all(c.text.as_bytes()))?;
        }
        let stdin: Vec<&kubeha::source::SourceFile> = report
            .files
            .iter()
            .filter(|f| f.stdin)
            .map(std::convert::AsRef::as_ref)
            .collect();
        if stdin.is_empty() {
            print_report(report, args)?;
        } else {
            let mut out = io::stdout().lock();
            for f in stdin {
                out.write_all(f.text.as_bytes())?;
            }
            out.flush()?;
            render_to(report, args.format, args, &mut stderr)?;
        }
    }
    if let Some(code) = run_problems(report, args, &mut stderr) {
        return Ok(code);
    }
    let failed = if args.diff {
        fixed.fixed > 0
    } else {
        let threshold = fail_threshold(args.fail_on);
        threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t))
    };
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `work` in a thread pool of `threads` threads (0: one per core), with stacks deep
/// enough for the allowed nesting limits; on the calling thread if no pool can be built.
fn in_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(8 << 20)
        .num_threads(threads)
        .thread_name(|i| format!("kubeha-{i}"))
        .build();
    match pool {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Frees `value` on a thread of its own. Tearing down every object of a large run (values,
/// span trees, typed copies) is a serial tail of about a tenth of the run; nothing waits
/// for it, so the report is rendered meanwhile. If no thread can be started it is freed here.
fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("kubeha-drop".into())
        .spawn(move || drop(value));
}

/// `--baseline`: drop the findings it has; `Some(exit code)` when it cannot be used.
fn apply_baseline(
    report: &mut kubeha::Report,
    path: &std::path::Path,
) -> io::Result<Option<ExitCode>> {
    match load_baseline(path)? {
        Ok(baseline) => {
            report.baselined = baseline.filter(report);
            Ok(None)
        }
        Err(code) => Ok(Some(code)),
    }
}

/// Reads a baseline file; `Err(exit code)` (after saying why) when it cannot be used.
fn load_baseline(
    path: &std::path::Path,
) -> io::Result<Result<kubeha::baseline::Baseline, ExitCode>> {
    let text = match kubeha::discover::read_file_limited(path, MAX_BASELINE_BYTES)
        .map_err(|e| e.to_string())
        .and_then(|b| String::from_utf8(b).map_err(|e| e.to_string()))
    {
        Ok(text) => text,
        Err(e) => {
            writeln!(
                io::stderr(),
                "kubeha: error: cannot read baseline {}: {e}",
                path.display()
            )?;
            return Ok(Err(ExitCode::from(USAGE_ERROR)));
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
            Ok(Err(ExitCode::from(USAGE_ERROR)))
        }
        Ok(baseline) => Ok(Ok(baseline)),
        Err(e) => {
            writeln!(
                io::stderr(),
                "kubeha: error: {} is not a kubeha baseline: {e}",
                path.display()
            )?;
            Ok(Err(ExitCode::from(USAGE_ERROR)))
        }
    }
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
        // A file written over keeps its mode (a manifest with secrets may be 0600).
        if let Ok(meta) = std::fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(named)
}

/// The report in `--format` (to `--output`, with human output on stdout). A closed stdout
/// is not an error: the exit code still follows the findings.
fn print_report(report: &kubeha::Report, args: &CheckArgs) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let printed = match &args.output {
        Some(path) => {
            write_atomically(path, |file| render_to(report, args.format, args, file))?;
            render_to(report, Format::Human, args, &mut out)
        }
        None if args.statistics => render::statistics(report, &mut out),
        None => render_to(report, args.format, args, &mut out),
    }
    .and_then(|()| out.flush());
    // `kubeha check | head`: a closed pipe stops the output, not the verdict.
    if let Err(e) = printed
        && !is_broken_pipe(&e)
    {
        return Err(e);
    }
    Ok(())
}

/// Zero linted files is an error: an empty directory or a mistyped path would pass the gate.
fn no_manifest(report: &kubeha::Report, args: &CheckArgs, stderr: &mut dyn Write) {
    let skipped = if report.skipped.is_empty() {
        String::new()
    } else {
        let excluded = report
            .skipped
            .iter()
            .filter(|s| s.reason == kubeha::SkipReason::Excluded)
            .count();
        let why = match (excluded, report.skipped.len() - excluded) {
            (0, _) => "not manifests",
            (_, 0) => "excluded",
            _ => "excluded or not manifests",
        };
        format!(
            " ({} skipped: {why})",
            kubeha::rules::plural(report.skipped.len(), "file was", "files were")
        )
    };
    let _ = writeln!(
        stderr,
        "kubeha: error: no manifest to lint in {}{skipped}; pass --allow-empty if that is expected",
        args.paths
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// A closed pipe, also when serde_json wrapped it (the JSON, SARIF and GitLab writers).
fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<serde_json::Error>())
            .and_then(serde_json::Error::io_error_kind)
            == Some(io::ErrorKind::BrokenPipe)
}

fn fail_threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

fn render_to(
    report: &kubeha::Report,
    format: Format,
    args: &CheckArgs,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => {
            let options = HumanOptions {
                color: use_color(args.color),
                quiet: args.quiet,
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
        Format::Junit => render::junit_failing_at(report, fail_threshold(args.fail_on), out),
        Format::Gitlab => render::gitlab(report, out),
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
                        "options": m.options.fields.iter().map(|o| o.name).collect::<Vec<_>>(),
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
    let found = kubeha::rules::find(rule).or_else(|| {
        let lower = rule.trim().to_ascii_lowercase().replace('_', "-");
        kubeha::rules::find(&lower)
    });
    if let Some(r) = found {
        let mut out = io::stdout().lock();
        out.write_all(r.meta().document().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let hint = suggest::hint(rule, kubeha::rules::names())
        .unwrap_or_else(|| "`kubeha rules` lists every rule".to_owned());
    writeln!(io::stderr(), "kubeha: error: unknown rule `{rule}`; {hint}")?;
    Ok(ExitCode::from(USAGE_ERROR))
}
