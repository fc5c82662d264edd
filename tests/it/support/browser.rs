//! A headless Chromium driven through ChromeDriver's W3C WebDriver endpoint: plain HTTP and
//! JSON, so the tests need no client crate. Debian's `chromium` and `chromium-driver` packages
//! provide both binaries (`.ci/run` installs them); where they are missing, [`Browser::start`]
//! returns `None` and the test says it was skipped, unless `ACQUIS_REQUIRE_BROWSER` is set, as
//! in CI, where a missing browser fails the test.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Browser {
    driver: Child,
    endpoint: String,
    session: String,
    client: reqwest::Client,
    _profile: TempProfile,
}

struct TempProfile(std::path::PathBuf);

impl Drop for TempProfile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn find(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|path| std::path::Path::new(path).exists())
        .map(|path| (*path).to_owned())
}

impl Browser {
    /// A new browser with an empty profile, or `None` (with the reason printed) when this
    /// machine has no Chromium.
    pub async fn start(test: &str) -> Option<Browser> {
        // The WebDriver client is a reqwest client too: it needs the TLS provider installed.
        super::init_process();
        let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
        let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            assert!(
                std::env::var_os("ACQUIS_REQUIRE_BROWSER").is_none(),
                "{test}: ACQUIS_REQUIRE_BROWSER is set but chromium or chromedriver is missing"
            );
            eprintln!(
                "{test}: SKIPPED, no browser here (install Debian's chromium and chromium-driver)"
            );
            return None;
        };
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while client
            .get(format!("{endpoint}/status"))
            .send()
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = TempProfile(
            std::env::temp_dir().join(format!("acquis-chromium-{}", uuid::Uuid::new_v4().simple())),
        );
        // The flags keep Chromium from calling home: this machine has no internet, and a
        // test must only see what the page itself asks for.
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.0.display()),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        } } });
        let created: Value = client
            .post(format!("{endpoint}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("a session is created")
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created:#}"))
            .to_owned();
        Some(Browser {
            driver,
            endpoint,
            session,
            client,
            _profile: profile,
        })
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.endpoint, self.session);
        let mut request = self.client.request(method, &url);
        if !body.is_null() {
            request = request.json(&body);
        }
        let answer: Value = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .json()
            .await
            .unwrap();
        if let Some(error) = answer["value"]["error"].as_str() {
            panic!("{path}: {error}: {}", answer["value"]["message"]);
        }
        answer["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn eval(&self, script: &str, args: Value) -> Value {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Runs `script` as an asynchronous function body: it calls `arguments[arguments.length - 1]`
    /// with its result.
    pub async fn eval_async(&self, script: &str, args: Value) -> Value {
        self.command(
            reqwest::Method::POST,
            "/execute/async",
            json!({ "script": script, "args": args }),
        )
        .await
    }

    /// Sets the window's size, as a phone or a desktop would have it.
    pub async fn resize(&self, width: u32, height: u32) {
        self.command(
            reqwest::Method::POST,
            "/window/rect",
            json!({ "width": width, "height": height }),
        )
        .await;
    }

    /// Clears the first element matching `css` and types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.element(css).await;
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/clear"),
            json!({}),
        )
        .await;
        if !text.is_empty() {
            self.type_text(&element, text).await;
        }
    }

    /// Sets a control's value the way a picker would (dates, selects), with the events a
    /// person's change fires.
    pub async fn set_value(&self, css: &str, value: &str) {
        let done = self
            .eval(
                "const e = document.querySelector(arguments[0]); if (!e) return false; \
                 e.value = arguments[1]; e.dispatchEvent(new Event('input', { bubbles: true })); \
                 e.dispatchEvent(new Event('change', { bubbles: true })); return true;",
                json!([css, value]),
            )
            .await;
        assert_eq!(done, json!(true), "no element {css}");
    }

    /// Presses and releases `key` (a WebDriver key code such as `\u{E004}` for Tab) wherever
    /// the focus is, as a keyboard would.
    pub async fn press(&self, key: &str) {
        self.command(
            reqwest::Method::POST,
            "/actions",
            json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
                { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key } ] }] }),
        )
        .await;
    }

    /// Clicks the first element matching `css`.
    pub async fn click_on(&self, css: &str) {
        let element = self.element(css).await;
        self.click(&element).await;
    }

    /// Waits until the page's text contains `text`; on time-out the failure shows the page.
    pub async fn wait_text(&self, text: &str) {
        let script = format!(
            "return Boolean(document.body && document.body.innerText.includes({}));",
            serde_json::to_string(text).unwrap()
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.eval(&script, json!([])).await != json!(true) {
            if Instant::now() > deadline {
                let page = self
                    .eval(
                        "return location.href + '\\n' + document.body.innerText;",
                        json!([]),
                    )
                    .await;
                panic!(
                    "timed out waiting for {text:?}; the page:\n{}\nconsole: {:#?}",
                    page.as_str().unwrap_or_default(),
                    self.console().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `script` returns something truthy, and returns it.
    pub async fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.eval(script, json!([])).await;
            if !(value.is_null() || value == json!(false) || value == json!("")) {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The WebDriver id of the first element matching `css`.
    pub async fn element(&self, css: &str) -> String {
        let found = self
            .command(
                reqwest::Method::POST,
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    pub async fn click(&self, element: &str) {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            json!({}),
        )
        .await;
    }

    /// Types `text` into `element` key by key, as a person would.
    pub async fn type_text(&self, element: &str, text: &str) {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// Every URL the page loaded, by the browser's own account (Resource Timing).
    pub async fn loaded_urls(&self) -> Vec<String> {
        let urls = self
            .eval(
                "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));",
                json!([]),
            )
            .await;
        urls.as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u.as_str().map(str::to_owned))
            .collect()
    }

    /// Messages the page wrote to the console, errors included.
    pub async fn console(&self) -> Vec<String> {
        let url = format!("{}/session/{}/se/log", self.endpoint, self.session);
        let answer: Value = match self
            .client
            .post(&url)
            .json(&json!({ "type": "browser" }))
            .send()
            .await
        {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(_) => return Vec::new(),
        };
        answer["value"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| format!("{} {}", entry["level"], entry["message"]))
            .collect()
    }

    /// A PNG of the window.
    pub async fn screenshot(&self) -> Vec<u8> {
        let encoded = self
            .command(reqwest::Method::GET, "/screenshot", Value::Null)
            .await;
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .expect("a base64 screenshot")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session closes Chromium; killing the driver then takes nothing with it.
        let url = format!("{}/session/{}", self.endpoint, self.session);
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let _ = reqwest::Client::new().delete(url).send().await;
            });
        })
        .join();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
