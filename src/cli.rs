//! The `acquis` command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::app::{programmes, retention, rncp_import, seed, sweep};
use crate::config::Config;
use crate::domain::policy::Role;
use crate::startup::{Application, build_state};
use crate::{auth, db, graphql};

#[derive(Parser, Debug)]
#[command(
    name = "acquis",
    version,
    about = "GraphQL service for VAE dossiers",
    after_help = crate::config::variables::help_text()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API (the default).
    #[command(after_help = crate::config::variables::help_text())]
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    Schema,
    /// Mint a development HS256 token with the configured secret; prints only the token.
    Token {
        /// Subject (user identifier) of the token.
        #[arg(long)]
        sub: String,
        /// Role: CANDIDATE, ADVISOR, JURY or ADMIN (repeat for several).
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        /// Lifetime, e.g. 3600, 30m, 12h, 7d.
        #[arg(long, default_value = "12h", value_parser = parse_ttl)]
        ttl: Duration,
        /// Display name carried in the token.
        #[arg(long)]
        name: Option<String>,
    },
    /// Validate and load (or update) a referential from a JSON file.
    ImportProgramme { file: PathBuf },
    /// Import France compétences' RNCP export (the daily XML, or the zip it is published in):
    /// each fiche with blocs becomes or updates a programme. Prints a report.
    ImportRncp {
        /// `export_fiches_RNCP_V4_1_AAAA-MM-JJ.xml` or `export-fiches-rncp-v4-1-AAAA-MM-JJ.zip`.
        file: PathBuf,
        /// Import only this fiche (repeat for several), e.g. --fiche RNCP39644.
        #[arg(long = "fiche")]
        fiches: Vec<String>,
        /// Date of the export (YYYY-MM-DD), when the file name does not carry it.
        #[arg(long, value_parser = parse_date)]
        export_date: Option<chrono::NaiveDate>,
    },
    /// Apply the retention policy (erase dossiers past their time, idle candidates' accounts
    /// left without a dossier, old audit events) and remove expired staged uploads and objects
    /// no evidence owns. Prints what went.
    Sweep {
        /// List what the retention policy would erase, and erase nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also apply every recorded erasure again: run this after restoring a backup older
        /// than some erasures, before serving.
        #[arg(long)]
        after_restore: bool,
    },
    /// Create realistic, deterministic DEIS dossiers (candidates `seed-candidate-<n>`, advisor
    /// `seed-advisor`, jury member `seed-jury`) for benchmarks and demonstrations.
    Seed {
        /// Number of candidates, one dossier each; candidates already present are skipped.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        dossiers: u64,
        /// Experiences per dossier.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        experiences: u32,
        /// Evidence files (small generated PDFs) per dossier.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=30))]
        files: u32,
        /// Seed of the pseudo-random generator: the same options give the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Dossiers written per transaction.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        batch: u64,
        /// The day the data describes (YYYY-MM-DD): application dates and histories end by it.
        #[arg(long, default_value = "2026-06-30", value_parser = parse_date)]
        as_of: chrono::NaiveDate,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config).await?;
            app.run_until_stopped().await?;
            tracing::info!("Acquis stopped");
        }
        Command::Migrate => {
            let db = db::connect(&config, db::Purpose::Maintenance).await?;
            db::migrate(&db).await?;
            eprintln!("migrations applied");
        }
        Command::Schema => print!("{}", graphql::sdl()),
        Command::Token {
            sub,
            roles,
            ttl,
            name,
        } => {
            let secret = auth::resolve_secret(&config)?;
            println!(
                "{}",
                auth::mint_token(&secret, &sub, &roles, ttl, name.as_deref())?
            );
        }
        Command::ImportProgramme { file } => {
            let json = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let config = Config {
                load_fixtures: false,
                ..config
            };
            let secret = auth::resolve_secret(&config)?;
            let state = build_state(config, &secret, db::Purpose::Maintenance).await?;
            let (programme, outcome) = programmes::import(&state.db, &state.catalog, &json)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            eprintln!(
                "{} {}: {:?}",
                programme.code.as_str(),
                programme.version,
                outcome
            );
        }
        Command::ImportRncp {
            file,
            fiches,
            export_date,
        } => {
            let config = Config {
                load_fixtures: false,
                ..config
            };
            let secret = auth::resolve_secret(&config)?;
            let state = build_state(config, &secret, db::Purpose::Maintenance).await?;
            let options = rncp_import::ImportOptions {
                file,
                only: fiches,
                export_date,
            };
            let progress = std::sync::Arc::new(rncp_import::Progress::default());
            let bar = progress_bar(progress.clone());
            let result = rncp_import::import(&state, &options, progress).await;
            bar.abort();
            let report = result?;
            print_report(&report);
        }
        Command::Sweep {
            dry_run,
            after_restore,
        } => {
            let secret = auth::resolve_secret(&config)?;
            let grace = Duration::from_secs(config.sweep_grace_secs);
            let state = build_state(config, &secret, db::Purpose::Maintenance).await?;
            if after_restore {
                let again = retention::reapply_tombstones(&state, dry_run).await?;
                println!(
                    "{} erasures applied again: {} dossiers, {} accounts, {} objects",
                    if dry_run { "would have" } else { "" }.trim(),
                    again.dossiers,
                    again.accounts,
                    again.deleted_objects
                );
            }
            let report = retention::apply(&state, crate::app::today(), dry_run).await?;
            print_retention(&report);
            if !dry_run {
                // Run by hand or by cron, the sweep merges the search index to the end.
                let report = sweep::sweep(&state, grace, u32::MAX).await?;
                println!(
                    "removed {} expired uploads and {} orphan objects; merged the search index in {} steps",
                    report.expired_uploads, report.orphan_objects, report.search_merge_steps
                );
            }
        }
        Command::Seed {
            dossiers,
            experiences,
            files,
            seed: rng_seed,
            batch,
            as_of,
        } => {
            let secret = auth::resolve_secret(&config)?;
            let state = build_state(config, &secret, db::Purpose::Maintenance).await?;
            let options = seed::SeedOptions {
                dossiers,
                experiences,
                files,
                seed: rng_seed,
                batch,
                as_of,
            };
            let report = seed::run(&state, &options).await?;
            let secs = report.elapsed.as_secs_f64().max(1e-9);
            eprintln!(
                "created {} dossiers ({} already present) with {} files ({:.1} MB) in {:.1} s, {:.0} dossiers/s; search index merged in {} steps",
                report.created,
                report.skipped,
                report.files,
                report.bytes as f64 / 1e6,
                secs,
                report.created as f64 / secs,
                report.search_merge_steps
            );
        }
    }
    Ok(())
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw)
        .ok_or_else(|| format!("unknown role {raw:?}; use CANDIDATE, ADVISOR, JURY or ADMIN"))
}

fn parse_date(raw: &str) -> Result<chrono::NaiveDate, String> {
    let date = chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| format!("invalid date {raw:?}; use YYYY-MM-DD"))?;
    if date > chrono::Utc::now().date_naive() {
        return Err(format!("{date} is in the future"));
    }
    Ok(date)
}

fn parse_ttl(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("invalid duration {raw:?}; e.g. 3600, 30m, 12h, 7d"))?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => {
            return Err(format!(
                "invalid duration unit in {raw:?}; use s, m, h or d"
            ));
        }
    };
    if seconds == 0 {
        return Err("the lifetime must be positive".into());
    }
    Ok(Duration::from_secs(seconds))
}

/// A bar on stderr while the export is read, when stderr is a terminal.
fn progress_bar(progress: std::sync::Arc<rncp_import::Progress>) -> tokio::task::JoinHandle<()> {
    use std::io::IsTerminal;
    use std::sync::atomic::Ordering;
    tokio::spawn(async move {
        if !std::io::stderr().is_terminal() {
            return;
        }
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        loop {
            bar.set_length(progress.total.load(Ordering::Relaxed));
            bar.set_position(progress.read.load(Ordering::Relaxed));
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
}

fn print_report(report: &rncp_import::ImportReport) {
    let date = report
        .export_date
        .map(|d| d.to_string())
        .unwrap_or_default();
    println!("RNCP export of {date} (France compétences, Licence Ouverte 2.0)");
    println!(
        "read {}, inserted {}, updated {}, unchanged {}, refused {}, skipped {}",
        report.read,
        report.inserted.len(),
        report.updated.len(),
        report.unchanged,
        report.refused.len(),
        report.skipped
    );
    for code in &report.inserted {
        println!("inserted  {code}");
    }
    for code in &report.updated {
        println!("updated   {code}");
    }
    for (code, why) in &report.refused {
        println!("refused   {code}: {why}");
    }
}

fn print_retention(report: &retention::RetentionReport) {
    let verb = if report.dry_run {
        "would erase"
    } else {
        "erased"
    };
    println!(
        "retention: {verb} {} dossiers, {} idle accounts, {} audit events before {}",
        report.dossiers.len(),
        report.accounts,
        report.audit_events,
        report
            .audit_cutoff
            .map_or_else(String::new, |d| d.to_string())
    );
    for d in &report.dossiers {
        println!(
            "  dossier {} {} {} since {}, kept until {}",
            d.dossier_id,
            d.status,
            d.expiry.code(),
            d.expiry.since(),
            d.retained_until
        );
    }
    if !report.dry_run && report.deleted_objects > 0 {
        println!("  {} objects deleted", report.deleted_objects);
    }
}
