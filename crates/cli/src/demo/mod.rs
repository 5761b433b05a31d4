//! `guild demo`: seed a realistic network into a new data directory, create two logins, and
//! serve it.

pub mod catalog;
pub mod generate;
pub mod messages;
pub mod names;
pub mod network;
pub mod posts;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use guild_core::accounts::store::AccountStore;
use guild_core::auth::{self, Viewer};
use guild_core::domain::{Role, YearMonth};
use guild_core::profiles::model::SeedMember;
use guild_core::profiles::{EducationInput, PositionInput, ProfileInput};
use guild_core::store::Store;
use guild_core::{now_ms, Guild};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::app::{bind, build_guild, core_error, open_store, run_server};
use crate::cli::DemoArgs;
use crate::config::{load, Sources};
pub use generate::Generator;

/// A login the demo creates and prints.
pub struct DemoLogin {
    pub name: &'static str,
    pub handle: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

pub const ADMIN: DemoLogin = DemoLogin {
    name: "Ada Admin",
    handle: "ada-admin",
    email: "admin@demo.guild",
    password: "guild-demo-admin",
};

pub const MEMBER: DemoLogin = DemoLogin {
    name: "Mira Castellanos",
    handle: "mira-demo",
    email: "member@demo.guild",
    password: "guild-demo-member",
};

/// Members written per `Store::seed_members` call (one transaction each).
pub const CHUNK: usize = 1000;

pub async fn run(args: DemoArgs) -> Result<()> {
    let config = load(
        &Sources::from_process(args.serve.store.config.clone()),
        &args.serve.overrides(),
    )?;
    let store = open_store(&config).await?;
    // Bind before the long work, so a busy port fails at once.
    let listener = bind(&config).await?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let guild = build_guild(&config, store.clone(), config.public_url(Some(addr))).await?;

    let existing = store.count_members().await.context("counting members")?;
    let has_logins = if existing == 0 {
        create_logins(&guild).await?;
        let seeded: Arc<dyn Store> = Arc::new(store.clone());
        let stats = seed_network(seeded.clone(), args.members, args.seed, true).await?;
        let started = Instant::now();
        let connections = network::seed_connections(seeded.as_ref(), args.seed, now_ms()).await?;
        network::welcome_member(seeded.as_ref(), args.seed, now_ms()).await?;
        let connected = started.elapsed();
        let started = Instant::now();
        let talk = posts::seed_posts(seeded.as_ref(), args.seed, now_ms()).await?;
        eprintln!(
            "demo: {} posts, {} reactions, {} comments in {:.1} s",
            talk.posts,
            talk.reactions,
            talk.comments,
            started.elapsed().as_secs_f64()
        );
        let said = messages::seed_messages(seeded.as_ref(), args.seed, now_ms()).await?;
        eprintln!(
            "demo: {} conversations, {} messages",
            said.conversations, said.messages
        );
        eprintln!(
            "demo: wrote {} members ({} positions, {} schools attended, {} skills) in {:.1} s, {} connections in {:.1} s",
            stats.members,
            stats.positions,
            stats.education,
            stats.skills,
            stats.elapsed.as_secs_f64(),
            connections,
            connected.as_secs_f64()
        );
        true
    } else {
        store
            .member_by_email(ADMIN.email)
            .await
            .context("looking up the demo admin")?
            .is_some()
    };
    // The graph is loaded from the store: load it again now that the network is written.
    let guild = build_guild(&config, store.clone(), config.public_url(Some(addr))).await?;
    run_server(listener, guild, store, move |_| {
        if has_logins {
            print_logins();
        } else {
            eprintln!(
                "note: this data directory already has members but no demo logins (it was not made by `guild demo`); \
                 sign in with an existing account, or use a new --data-dir for the demo"
            );
        }
    })
    .await
}

fn print_logins() {
    println!("demo logins:");
    println!("  admin:  {} / {}", ADMIN.email, ADMIN.password);
    println!("  member: {} / {}", MEMBER.email, MEMBER.password);
    println!(
        "  (every generated member also signs in with the password {})",
        MEMBER.password
    );
}

/// What [`seed_network`] wrote.
#[derive(Debug, Clone, Default)]
pub struct SeedStats {
    pub members: usize,
    pub positions: usize,
    pub education: usize,
    pub skills: usize,
    pub elapsed: Duration,
}

/// Generates `n` members from `seed` and writes them in transactions of [`CHUNK`] members,
/// generating the next chunk on another thread while one is written.
///
/// Every generated member gets the same argon2 hash of the demo member password, computed
/// once: hashing 100,000 passwords one by one would take about an hour.
pub async fn seed_network(
    store: Arc<dyn Store>,
    n: usize,
    seed: u64,
    progress: bool,
) -> Result<SeedStats> {
    let started = Instant::now();
    let hash = tokio::task::spawn_blocking(|| auth::hash_password(MEMBER.password))
        .await
        .context("hashing the demo password")?
        .map_err(core_error)?;
    let mut generator = Generator::new(seed, YearMonth::now(), now_ms(), hash)?;
    generator.reserve_handle(ADMIN.handle);
    generator.reserve_handle(MEMBER.handle);

    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<SeedMember>, String>>(2);
    let producer = tokio::task::spawn_blocking(move || {
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK);
            if tx.blocking_send(generator.chunk(k)).is_err() {
                break; // the writer stopped (an error): nothing more to do
            }
            left -= k;
        }
    });

    let bar = if progress {
        ProgressBar::new(n as u64)
    } else {
        ProgressBar::hidden()
    };
    if progress {
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} members ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message("generating the demo network");
    }
    let mut stats = SeedStats::default();
    while let Some(chunk) = rx.recv().await {
        let chunk = chunk.map_err(|e| anyhow::anyhow!("generating demo members: {e}"))?;
        store
            .seed_members(&chunk)
            .await
            .context("writing demo members")?;
        stats.members += chunk.len();
        for m in &chunk {
            stats.positions += m.positions.len();
            stats.education += m.education.len();
            stats.skills += m.skills.len();
        }
        bar.inc(chunk.len() as u64);
    }
    producer.await.context("the demo generator failed")?;
    bar.finish_and_clear();
    stats.elapsed = started.elapsed();
    Ok(stats)
}

/// The admin, and a member with a reasonably complete profile, made through the same services
/// as the web pages (so their data passes every check).
pub async fn create_logins(guild: &Guild) -> Result<()> {
    guild
        .create_member_directly(
            ADMIN.name,
            ADMIN.email,
            ADMIN.password,
            Some(ADMIN.handle),
            Role::Admin,
        )
        .await
        .map_err(core_error)
        .context("creating the demo admin")?;
    let me = guild
        .create_member_directly(
            MEMBER.name,
            MEMBER.email,
            MEMBER.password,
            Some(MEMBER.handle),
            Role::Member,
        )
        .await
        .map_err(core_error)
        .context("creating the demo member")?;
    let viewer = Viewer::Member(me);
    let step = "filling in the demo member's profile";
    guild
        .update_profile(
            &viewer,
            ProfileInput {
                headline: Some("Senior Product Designer at Lumencloud | Accessibility advocate".into()),
                about: Some(
                    "I design calm, accessible software for busy people. Twelve years across travel, education and \
                     cloud software have taught me that the best interface is the one nobody has to think about.\n\n\
                     These days I lead design for Lumencloud's admin console and look after our design system. \
                     Happy to talk about accessibility, design systems or moving to Lisbon."
                        .into(),
                ),
                location: Some("Lisbon, Portugal".into()),
                visibility: Some("public".into()),
                contact_visibility: Some("members".into()),
                contact_email: Some(MEMBER.email.into()),
                website: Some("https://example.com/mira-castellanos".into()),
                ..Default::default()
            },
        )
        .await
        .map_err(core_error)
        .context(step)?;

    let now = YearMonth::now().to_index();
    let month = |ago: i32| YearMonth::from_index(now - ago).to_string();
    let positions = [
        ("Tripwise Travel", "UX Designer", 140, Some(93), None),
        (
            "Brightwater Learning",
            "Product Designer",
            92,
            Some(40),
            Some("Redesigned the course player used by 200,000 learners; completion rose 18%. Set up monthly usability tests with teachers."),
        ),
        (
            "Lumencloud",
            "Senior Product Designer",
            39,
            None,
            Some("Lead designer for the admin console. Built and maintain the design system used by six product teams, and ran the accessibility programme that brought every flow to WCAG 2.1 AA."),
        ),
    ];
    for (company, title, start, end, description) in positions {
        guild
            .add_position(
                &viewer,
                PositionInput {
                    company: company.into(),
                    title: title.into(),
                    start: month(start),
                    end: end.map(month),
                    description: description.map(Into::into),
                    location: Some("Lisbon, Portugal".into()),
                },
            )
            .await
            .map_err(core_error)
            .context(step)?;
    }
    let year = YearMonth::now().year;
    let schools = [
        (
            "Universidade de Alvorada",
            "Bachelor of Arts",
            "Graphic Design",
            year - 17,
            year - 13,
        ),
        (
            "Hanzehaven University",
            "Master of Arts",
            "Interaction Design",
            year - 13,
            year - 12,
        ),
    ];
    for (school, degree, field, start, end) in schools {
        guild
            .add_education(
                &viewer,
                EducationInput {
                    school: school.into(),
                    degree: Some(degree.into()),
                    field: Some(field.into()),
                    start_year: Some(start.to_string()),
                    end_year: Some(end.to_string()),
                },
            )
            .await
            .map_err(core_error)
            .context(step)?;
    }
    let skills = [
        "Figma",
        "UX Design",
        "Design Systems",
        "Accessibility",
        "User Research",
        "Prototyping",
        "Usability Testing",
        "Interaction Design",
        "Information Architecture",
        "Workshop Facilitation",
        "Spanish",
        "Portuguese",
    ];
    guild
        .set_skills(&viewer, &skills.map(String::from))
        .await
        .map_err(core_error)
        .context(step)?;
    guild
        .add_link(
            &viewer,
            "Portfolio",
            "https://example.com/mira-castellanos/work",
        )
        .await
        .map_err(core_error)
        .context(step)?;
    Ok(())
}
