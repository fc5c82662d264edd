//! The production shape: three `acquis` processes on one PostgreSQL database and one object
//! store, behind HAProxy (Debian's package, started by the test). A mixed workload goes through
//! the balancer; concurrent edits of one dossier with the same `expectedVersion` let exactly
//! one win; one instance is SIGKILLed under load and nothing it had committed is lost; the
//! periodic sweep runs on one instance at a time.
//!
//! Runs where the suite runs on PostgreSQL (`ACQUIS_TEST_DATABASE_URL`) and HAProxy is
//! installed; elsewhere it says it was skipped, unless `ACQUIS_REQUIRE_LOAD_BALANCER` is set.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use acquis::config::StorageConfig;
use acquis::domain::policy::Role;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::{SECRET, TestApp, spawn_app};

struct Instance {
    child: Child,
    address: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn haproxy() -> Option<&'static str> {
    ["/usr/sbin/haproxy", "/usr/bin/haproxy"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
}

/// A client that opens a connection per request, so the balancer spreads every request.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn wait_ready(address: &str) {
    let client = fresh_client();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !client
        .get(format!("{address}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(Instant::now() < deadline, "{address} never became ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn start_instance(app: &TestApp, public: &str) -> Instance {
    let port = free_port();
    let storage_url = match &app.config.storage {
        StorageConfig::Local(dir) => format!("file://{}", dir.display()),
        StorageConfig::S3 { bucket, .. } => format!("s3://{bucket}"),
        StorageConfig::Memory => unreachable!("tests use a real store"),
    };
    let child = Command::new(env!("CARGO_BIN_EXE_acquis"))
        .arg("serve")
        .env("DATABASE_URL", &app.config.database_url)
        .env("ACQUIS_STORAGE_URL", storage_url)
        .env(
            "ACQUIS_DATA_DIR",
            app.data_dir.join(format!("instance-{port}")),
        )
        .env("ACQUIS_JWT_SECRET", SECRET)
        .env("ACQUIS_LISTEN", format!("127.0.0.1:{port}"))
        // Signed links point at the balancer: any instance verifies them (one secret).
        .env("ACQUIS_PUBLIC_URL", public)
        .env("ACQUIS_SWEEP_INTERVAL_SECS", "1")
        .env("ACQUIS_DB_MAX_CONNECTIONS", "4")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start acquis");
    Instance {
        child,
        address: format!("http://127.0.0.1:{port}"),
    }
}

fn start_balancer(binary: &str, dir: &std::path::Path, port: u16, backends: &[&Instance]) -> Child {
    let servers: String = backends
        .iter()
        .enumerate()
        .map(|(i, b)| {
            format!(
                "  server a{i} {} check inter 300ms fall 1 rise 1\n",
                b.address.trim_start_matches("http://")
            )
        })
        .collect();
    // A request whose connection is refused (a dead instance) is sent to another one.
    let config = format!(
        "global\n  maxconn 2000\n\
         defaults\n  mode http\n  timeout connect 1s\n  timeout client 60s\n  timeout server 60s\n  retries 3\n  option redispatch 1\n\
         frontend web\n  bind 127.0.0.1:{port}\n  default_backend acquis\n\
         backend acquis\n  balance roundrobin\n  option httpchk GET /readyz\n  http-check expect status 200\n{servers}"
    );
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, config).unwrap();
    Command::new(binary)
        .args(["-db", "-f"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start haproxy")
}

async fn gql(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if body.get("errors").is_some() {
        return Err(format!("errors: {body}"));
    }
    Ok(body["data"].clone())
}

/// GraphQL requests an instance counted, from its own `/metrics`.
async fn requests_served(address: &str) -> u64 {
    let text = fresh_client()
        .get(format!("{address}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("acquis_graphql_requests_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

/// Sweep turns an instance counted, by outcome.
async fn sweeps(address: &str, outcome: &str) -> u64 {
    let text = fresh_client()
        .get(format!("{address}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let label = format!("acquis_sweeps_total{{outcome=\"{outcome}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&label)?.trim().parse::<f64>().ok())
        .unwrap_or(0.0) as u64
}

const ADD_EXPERIENCE: &str = "mutation($input: AddExperienceInput!) { addExperience(input: $input) { experience { id } userErrors { code } } }";

fn experience(dossier: &str, title: &str, expected: Option<i64>) -> Value {
    json!({ "input": { "dossierId": dossier, "title": title, "organisation": "Association", "kind": "SALARIED",
        "startDate": "2016-01-01", "workingTimePercent": 100, "expectedVersion": expected } })
}

#[tokio::test]
async fn three_instances_behind_haproxy_share_the_work_agree_on_versions_survive_a_kill_and_take_turns_sweeping()
 {
    let on_postgres = std::env::var("ACQUIS_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    let balancer = haproxy();
    let (true, Some(balancer)) = (on_postgres, balancer) else {
        assert!(
            std::env::var_os("ACQUIS_REQUIRE_LOAD_BALANCER").is_none(),
            "ACQUIS_REQUIRE_LOAD_BALANCER is set but PostgreSQL or HAProxy is missing"
        );
        eprintln!(
            "instances: SKIPPED, needs ACQUIS_TEST_DATABASE_URL and Debian's haproxy (on_postgres={on_postgres})"
        );
        return;
    };
    // The in-process app creates the database and the store; its instance only reads results.
    let app = spawn_app().await;
    let lb_port = free_port();
    let public = format!("http://127.0.0.1:{lb_port}");
    // Started together: their migrations and referential loads take turns on the start-up lease.
    let mut instances: Vec<Instance> = (0..3).map(|_| start_instance(&app, &public)).collect();
    for instance in &instances {
        wait_ready(&instance.address).await;
    }
    let _haproxy = KillOnDrop(start_balancer(
        balancer,
        &app.data_dir,
        lb_port,
        &instances.iter().collect::<Vec<_>>(),
    ));
    wait_ready(&public).await;
    let served_before: Vec<u64> =
        futures::future::join_all(instances.iter().map(|i| requests_served(&i.address))).await;

    // A mixed workload: six candidates build dossiers at once, through the balancer.
    let tasks = (0..6).map(|n| {
        let public = public.clone();
        let token = app.candidate(&format!("candidate-{n}"));
        async move {
            let client = fresh_client();
            let created = gql(&client, &public, &token, "mutation { createDossier(input: { programmeCode: \"DEIS\" }) { dossier { id } userErrors { code } } }", json!({})).await?;
            let dossier = created["createDossier"]["dossier"]["id"].as_str().unwrap().to_owned();
            for k in 0..3 {
                let added = gql(&client, &public, &token, ADD_EXPERIENCE, experience(&dossier, &format!("Poste {k}"), None)).await?;
                assert_eq!(added["addExperience"]["userErrors"], json!([]));
            }
            let operations = json!({
                "query": "mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) { evidence { id downloadUrl } userErrors { code } } }",
                "variables": { "input": { "dossierId": dossier, "kind": "WORK_PRODUCT", "title": "Rapport", "file": null } },
            });
            let form = reqwest::multipart::Form::new()
                .text("operations", operations.to_string())
                .text("map", json!({ "0": ["variables.input.file"] }).to_string())
                .part("0", reqwest::multipart::Part::bytes(pdf("rapport")).file_name("rapport.pdf"));
            let uploaded: Value = client.post(format!("{public}/graphql")).bearer_auth(&token).multipart(form)
                .send().await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
            let link = uploaded["data"]["uploadEvidence"]["evidence"]["downloadUrl"].as_str().unwrap().to_owned();
            // The link was signed by one instance and is served by whichever the balancer picks.
            let file = client.get(&link).send().await.map_err(|e| e.to_string())?;
            assert_eq!(file.status(), 200, "{link}");
            let read = gql(&client, &public, &token, "query($id: ID!) { dossier(id: $id) { experiences { totalCount } evidence { totalCount } coverage { fteMonths } } }", json!({ "id": dossier })).await?;
            assert_eq!(read["dossier"]["experiences"]["totalCount"], 3);
            assert_eq!(read["dossier"]["evidence"]["totalCount"], 1);
            Ok::<String, String>(dossier)
        }
    });
    let dossiers: Vec<String> = futures::future::try_join_all(tasks)
        .await
        .expect("the mixed workload succeeds");
    let served_after: Vec<u64> =
        futures::future::join_all(instances.iter().map(|i| requests_served(&i.address))).await;
    for (i, (before, after)) in served_before.iter().zip(&served_after).enumerate() {
        assert!(
            after > before,
            "instance {i} served nothing: {served_before:?} → {served_after:?}"
        );
    }

    // Nine edits of one dossier from the same version, spread over the instances: one wins.
    let owner = app.candidate("candidate-0");
    let version = gql(
        &fresh_client(),
        &public,
        &owner,
        "query($id: ID!) { dossier(id: $id) { version } }",
        json!({ "id": dossiers[0] }),
    )
    .await
    .unwrap()["dossier"]["version"]
        .as_i64()
        .unwrap();
    let edits = (0..9).map(|k| {
        let (public, owner, dossier) = (public.clone(), owner.clone(), dossiers[0].clone());
        async move {
            gql(
                &fresh_client(),
                &public,
                &owner,
                ADD_EXPERIENCE,
                experience(&dossier, &format!("Concurrent {k}"), Some(version)),
            )
            .await
        }
    });
    let outcomes = futures::future::join_all(edits).await;
    let codes: Vec<Value> = outcomes
        .iter()
        .map(|o| o.as_ref().expect("every edit is answered")["addExperience"]["userErrors"].clone())
        .collect();
    let wins = codes.iter().filter(|c| *c == &json!([])).count();
    let stale = codes
        .iter()
        .filter(|c| *c == &json!([{ "code": "STALE_VERSION" }]))
        .count();
    assert_eq!((wins, stale), (1, 8), "{codes:?}");

    // One instance is killed while edits keep coming; what was answered as done is kept.
    let load = {
        let public = public.clone();
        let dossiers = dossiers.clone();
        tokio::spawn(async move {
            let mut done = Vec::new();
            let mut failed = 0;
            for k in 0..60 {
                let n = k % dossiers.len();
                let token = acquis::auth::mint_token(
                    SECRET.as_bytes(),
                    &format!("candidate-{n}"),
                    &[Role::Candidate],
                    Duration::from_secs(600),
                    None,
                )
                .unwrap();
                match gql(
                    &fresh_client(),
                    &public,
                    &token,
                    ADD_EXPERIENCE,
                    experience(&dossiers[n], &format!("Sous charge {k}"), None),
                )
                .await
                {
                    Ok(data) if data["addExperience"]["userErrors"] == json!([]) => {
                        done.push((
                            n,
                            data["addExperience"]["experience"]["id"]
                                .as_str()
                                .unwrap()
                                .to_owned(),
                        ));
                    }
                    _ => failed += 1,
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (done, failed)
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut victim = instances.remove(1);
    victim.child.kill().expect("SIGKILL");
    let _ = victim.child.wait();
    let (done, failed) = load.await.unwrap();
    eprintln!(
        "instances: {} edits answered, {failed} lost with the killed instance",
        done.len()
    );
    assert!(
        done.len() >= 50,
        "the balancer kept serving: {} of 60, {failed} failed",
        done.len()
    );
    let admin = app.token("admin-1", &[Role::Admin]);
    for (n, id) in &done {
        let held = app
            .data(&admin, "query($id: ID!) { dossier(id: $id) { experiences(first: 100) { edges { node { id } } } } }", json!({ "id": dossiers[*n] }))
            .await;
        let ids: Vec<&str> = held["dossier"]["experiences"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["node"]["id"].as_str())
            .collect();
        assert!(
            ids.contains(&id.as_str()),
            "experience {id} was answered as added and is gone"
        );
    }

    // The sweep takes turns: while the lease is held elsewhere, every instance skips.
    let holder = sea_orm::Database::connect(
        sea_orm::ConnectOptions::new(app.config.database_url.clone())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap();
    holder
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_lock($1)",
            [acquis::db::lease::SWEEP.into()],
        ))
        .await
        .unwrap();
    // A turn that began before the lock may still be running: let it end.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let ran: Vec<u64> =
        futures::future::join_all(instances.iter().map(|i| sweeps(&i.address, "ran"))).await;
    let skipped: Vec<u64> =
        futures::future::join_all(instances.iter().map(|i| sweeps(&i.address, "skipped"))).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ran_locked: Vec<u64> =
        futures::future::join_all(instances.iter().map(|i| sweeps(&i.address, "ran"))).await;
    let skipped_locked: Vec<u64> =
        futures::future::join_all(instances.iter().map(|i| sweeps(&i.address, "skipped"))).await;
    assert_eq!(
        ran, ran_locked,
        "no instance swept while the lease was held elsewhere"
    );
    assert!(
        skipped_locked
            .iter()
            .zip(&skipped)
            .all(|(after, before)| after > before),
        "{skipped:?} → {skipped_locked:?}"
    );
    holder
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_unlock($1)",
            [acquis::db::lease::SWEEP.into()],
        ))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ran_free: Vec<u64> =
        futures::future::join_all(instances.iter().map(|i| sweeps(&i.address, "ran"))).await;
    assert!(
        ran_free.iter().sum::<u64>() > ran_locked.iter().sum::<u64>(),
        "the sweep resumed: {ran_locked:?} → {ran_free:?}"
    );
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
