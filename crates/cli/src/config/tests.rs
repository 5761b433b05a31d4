use super::*;

fn sources(dir: &Path, env: &[(&str, &str)]) -> Sources {
    Sources {
        config_file: None,
        working_dir: dir.to_path_buf(),
        env: env
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect(),
    }
}

#[test]
fn defaults_alone() {
    let dir = tempfile::tempdir().unwrap();
    let c = load(
        &sources(dir.path(), &[("PATH", "/bin"), ("HOME", "/root")]),
        &FlagOverrides::default(),
    )
    .unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(c.database_url(), "sqlite://./guild-data/guild.db");
    assert_eq!(c.public_url(None), "http://127.0.0.1:8080");
    assert_eq!(
        c.public_url(Some("127.0.0.1:4321".parse().unwrap())),
        "http://127.0.0.1:4321"
    );
}

#[test]
fn file_then_env_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(DEFAULT_FILE),
        "bind = \"0.0.0.0:9000\"\ndata_dir = \"/srv/guild\"\nmail_from = \"Acme <guild@acme.test>\"\n\
         [limits]\ninvitations_per_week = 10\nsession_days = 7\n[registration]\nmode = \"domains\"\nallowed_domains = [\"acme.test\"]\n",
    )
    .unwrap();
    let none = FlagOverrides::default();

    // The file overrides the defaults.
    let c = load(&sources(dir.path(), &[]), &none).unwrap();
    assert_eq!(c.bind, "0.0.0.0:9000");
    assert_eq!(c.data_dir, PathBuf::from("/srv/guild"));
    assert_eq!(c.database_url(), "sqlite:///srv/guild/guild.db");
    assert_eq!(c.limits.invitations_per_week, 10);
    assert_eq!(c.limits.session_days, 7);
    assert_eq!(
        c.limits.sign_ins_per_ip_per_hour,
        Limits::default().sign_ins_per_ip_per_hour
    );
    assert_eq!(
        c.registration.allowed_domains,
        vec!["acme.test".to_string()]
    );
    assert_eq!(
        c.settings("http://x.test".into())
            .limits
            .invitations_per_week,
        10
    );

    // The environment overrides the file.
    let env = [
        ("GUILD_LIMITS__INVITATIONS_PER_WEEK", "5"),
        ("GUILD_BIND", "127.0.0.1:7000"),
        ("GUILD_DATABASE_URL", "postgres://guild:pw@db/guild"),
        ("GUILD_BEHIND_PROXY", "true"),
        ("OTHER_VAR", "ignored"),
    ];
    let c = load(&sources(dir.path(), &env), &none).unwrap();
    assert_eq!(c.limits.invitations_per_week, 5);
    assert_eq!(c.limits.session_days, 7, "the file's other keys stay");
    assert_eq!(c.bind, "127.0.0.1:7000");
    assert_eq!(c.database_url(), "postgres://guild:pw@db/guild");
    assert!(c.behind_proxy);

    // Flags override the environment.
    let flags = FlagOverrides {
        data_dir: Some(PathBuf::from("/tmp/flag-dir")),
        bind: Some("127.0.0.1:0".into()),
        database_url: None,
    };
    let c = load(&sources(dir.path(), &env), &flags).unwrap();
    assert_eq!(c.bind, "127.0.0.1:0");
    assert_eq!(c.data_dir, PathBuf::from("/tmp/flag-dir"));
    assert_eq!(
        c.database_url(),
        "postgres://guild:pw@db/guild",
        "env still applies where no flag is given"
    );
    assert_eq!(c.limits.invitations_per_week, 5);
}

#[test]
fn explicit_config_file_wins_over_working_dir_and_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DEFAULT_FILE), "bind = \"1.1.1.1:1\"\n").unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "bind = \"2.2.2.2:2\"\n").unwrap();
    let mut s = sources(dir.path(), &[]);
    s.config_file = Some(other);
    assert_eq!(
        load(&s, &FlagOverrides::default()).unwrap().bind,
        "2.2.2.2:2"
    );
    s.config_file = Some(dir.path().join("missing.toml"));
    let err = load(&s, &FlagOverrides::default()).unwrap_err().to_string();
    assert!(
        err.contains("missing.toml") && err.contains("does not exist"),
        "{err}"
    );
}

#[test]
fn unknown_keys_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let none = FlagOverrides::default();
    std::fs::write(
        dir.path().join(DEFAULT_FILE),
        "[limits]\ninvitations_per_weak = 3\n",
    )
    .unwrap();
    let err = load(&sources(dir.path(), &[]), &none)
        .unwrap_err()
        .to_string();
    assert!(err.contains("limits.invitations_per_weak"), "{err}");
    assert!(err.contains(DEFAULT_FILE), "{err}");

    std::fs::write(dir.path().join(DEFAULT_FILE), "bnid = \"x\"\n").unwrap();
    let err = load(&sources(dir.path(), &[]), &none)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`bnid`"), "{err}");

    std::fs::write(
        dir.path().join(DEFAULT_FILE),
        "[smtp]\nhost = \"h\"\nuser = \"u\"\n",
    )
    .unwrap();
    let err = load(&sources(dir.path(), &[]), &none)
        .unwrap_err()
        .to_string();
    assert!(err.contains("smtp.user"), "{err}");

    std::fs::remove_file(dir.path().join(DEFAULT_FILE)).unwrap();
    let err = load(&sources(dir.path(), &[("GUILD_LIMITS__NOPE", "1")]), &none)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("limits.nope") && err.contains("GUILD_LIMITS__NOPE"),
        "{err}"
    );
}

#[test]
fn bad_values_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let none = FlagOverrides::default();
    let err = load(
        &sources(dir.path(), &[("GUILD_LIMITS__SESSION_DAYS", "soon")]),
        &none,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("limits.session_days"), "{err}");
    let err = load(
        &sources(dir.path(), &[("GUILD_PUBLIC_URL", "guild.example.com")]),
        &none,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("public_url"), "{err}");
    let err = load(
        &sources(dir.path(), &[("GUILD_MAIL_FROM", "not an address")]),
        &none,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("mail_from"), "{err}");
    let err = load(
        &sources(dir.path(), &[("GUILD_METRICS__ALLOW", "[\"localhost\"]")]),
        &none,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("metrics.allow") && err.contains("localhost"),
        "{err}"
    );
}

#[test]
fn metrics_access_from_the_file_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let none = FlagOverrides::default();
    std::fs::write(
        dir.path().join(DEFAULT_FILE),
        "[metrics]\nallow = [\"10.0.0.0/8\"]\n",
    )
    .unwrap();
    let c = load(
        &sources(dir.path(), &[("GUILD_METRICS__TOKEN", "s3cret")]),
        &none,
    )
    .unwrap();
    let s = c.settings("http://x.test".into());
    assert_eq!(s.metrics.allow, vec!["10.0.0.0/8".to_string()]);
    assert_eq!(s.metrics.token.as_deref(), Some("s3cret"));
    assert!(s.metrics.permits("10.1.2.3".parse().ok(), None));
    assert!(
        !s.metrics.permits("127.0.0.1".parse().ok(), None),
        "the file replaced the default"
    );
    assert!(s.metrics.permits(None, Some("s3cret")));
}

#[test]
fn example_lists_every_key_and_parses_back_to_the_defaults() {
    let text = example().unwrap();
    let parsed: Config = toml::from_str(&text).unwrap();
    assert_eq!(parsed, Config::default());
    // And through the loader, as a real guild.toml.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DEFAULT_FILE), &text).unwrap();
    assert_eq!(
        load(&sources(dir.path(), &[]), &FlagOverrides::default()).unwrap(),
        Config::default()
    );

    let full = Config {
        database_url: Some("x".into()),
        public_url: Some("x".into()),
        metrics: MetricsAccess {
            token: Some("t".into()),
            ..MetricsAccess::default()
        },
        smtp: Some(SmtpSettings {
            host: "h".into(),
            port: 1,
            username: Some("u".into()),
            password: Some("p".into()),
            security: "none".into(),
        }),
        ..Config::default()
    };
    let full = toml::Table::try_from(full).unwrap();
    for (key, value) in &full {
        match value.as_table() {
            Some(t) => {
                assert!(text.contains(&format!("[{key}]")), "table {key} missing");
                for k in t.keys() {
                    assert!(
                        text.lines()
                            .any(|l| l.trim_start_matches("# ").starts_with(&format!("{k} = "))),
                        "{key}.{k} missing"
                    );
                    assert!(
                        !table_comment(key, k).is_empty(),
                        "{key}.{k} has no comment"
                    );
                }
            }
            None => {
                assert!(
                    text.lines()
                        .any(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = "))),
                    "{key} missing"
                );
                assert!(!top_comment(key).is_empty(), "{key} has no comment");
            }
        }
    }
    for k in [
        "signups_per_ip_per_hour",
        "sign_ins_per_ip_per_hour",
        "invitations_per_week",
    ] {
        assert!(text.contains(&format!("\n{k} = ")), "{k}");
    }
}
