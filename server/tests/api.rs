//! The server's API driven through its router (and, for slow clients, a
//! socket): LanguageTool's shapes, the native endpoint, bad input, limits
//! and reloading.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tactful_server::{router, AppState, Config};
use tower::ServiceExt;

fn state(config: Config) -> Arc<AppState> {
    AppState::new(config).unwrap()
}

async fn send(state: &Arc<AppState>, req: Request<Body>) -> (StatusCode, String, Value) {
    let resp = router(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = if ctype.starts_with("application/json") {
        serde_json::from_slice(&bytes).unwrap()
    } else {
        Value::String(String::from_utf8_lossy(&bytes).into_owned())
    };
    (status, ctype, json)
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

fn post(path: &str, ctype: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, ctype)
        .body(body.into())
        .unwrap()
}

const FORM: &str = "application/x-www-form-urlencoded";

async fn v2(state: &Arc<AppState>, pairs: &[(&str, &str)]) -> Value {
    let (status, _, json) = send(state, post("/v2/check", FORM, form(pairs))).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json
}

fn rule_ids(json: &Value) -> Vec<String> {
    json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["rule"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn find<'a>(json: &'a Value, rule: &str) -> &'a Value {
    json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["rule"]["id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {json}"))
}

#[tokio::test]
async fn v2_check_has_languagetools_shape() {
    let s = state(Config::default());
    let json = v2(
        &s,
        &[
            ("language", "en-US"),
            ("text", "Thanks for writing. That's not my job."),
        ],
    )
    .await;
    assert_eq!(json["software"]["name"], "tactful");
    assert_eq!(json["software"]["apiVersion"], 1);
    assert_eq!(json["language"]["code"], "en-US");
    assert_eq!(json["language"]["name"], "English (US)");
    assert_eq!(json["language"]["detectedLanguage"]["code"], "en-US");
    assert_eq!(json["warnings"]["incompleteResults"], false);
    let m = find(&json, "not-my-job");
    assert_eq!(m["offset"], 20);
    assert_eq!(m["length"], 17);
    assert!(m["message"].as_str().unwrap().contains("disowns"));
    assert!(m["shortMessage"].is_string());
    assert!(!m["replacements"].as_array().unwrap().is_empty());
    assert!(m["replacements"][0]["value"].is_string());
    let ctx = &m["context"];
    let text: Vec<u16> = ctx["text"].as_str().unwrap().encode_utf16().collect();
    let (o, l) = (
        ctx["offset"].as_u64().unwrap() as usize,
        ctx["length"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        String::from_utf16(&text[o..o + l]).unwrap(),
        "That's not my job"
    );
    assert_eq!(m["sentence"], "That's not my job.");
    assert_eq!(m["type"]["typeName"], "Other");
    assert_eq!(m["rule"]["issueType"], "style");
    assert!(m["rule"]["description"].is_string());
    assert_eq!(m["rule"]["category"]["id"], "OWNERSHIP");
    assert_eq!(m["rule"]["category"]["name"], "Ownership");
    assert_eq!(m["ignoreForIncompleteSentence"], false);
    assert_eq!(m["contextForSureMatch"], 0);
}

#[tokio::test]
async fn offsets_are_utf16_after_emoji() {
    let s = state(Config::default());
    // Each emoji is two UTF-16 code units and four bytes.
    let text = "Thanks 😀😀 for waiting. That's not my job.";
    let json = v2(&s, &[("language", "en-US"), ("text", text)]).await;
    let m = find(&json, "not-my-job");
    let want = text[..text.find("That's").unwrap()].encode_utf16().count();
    assert_eq!(want, 25);
    assert_eq!(m["offset"], want);
    assert_eq!(m["length"], 17);
}

#[tokio::test]
async fn get_with_query_and_auto_language() {
    let s = state(Config::default());
    let q = form(&[("language", "auto"), ("text", "Calm down.")]);
    let (status, _, json) = send(
        &s,
        Request::get(format!("/v2/check?{q}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["language"]["detectedLanguage"]["code"], "en-US");
    assert_eq!(find(&json, "dismissive")["offset"], 0);
}

/// LTeX sends a form body labelled `application/json`, with the document
/// as annotated `data`; offsets must point into the document, markup
/// included.
#[tokio::test]
async fn ltex_style_request_with_annotation() {
    let s = state(Config::default());
    // Recorded shape: a Markdown heading, a paragraph break, a bold phrase.
    let data = r##"{"annotation":[{"markup":"# "},{"text":"Refund 🙂"},{"markup":"\n\n","interpretAs":"\n\n"},{"text":"Thanks for writing. "},{"markup":"**"},{"text":"Calm down"},{"markup":"**"},{"text":", that's not my job."}]}"##;
    let body = form(&[
        ("data", data),
        ("language", "en-US"),
        ("enabledOnly", "false"),
        ("level", "picky"),
        ("motherTongue", "de-DE"),
    ]);
    let (status, _, json) = send(&s, post("/v2/check", "application/json", body)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let document = "# Refund 🙂\n\nThanks for writing. **Calm down**, that's not my job.";
    let utf16 = |needle: &str| {
        document[..document.find(needle).unwrap()]
            .encode_utf16()
            .count()
    };
    let calm = find(&json, "dismissive");
    assert_eq!(calm["offset"], utf16("Calm down"));
    assert_eq!(calm["length"], 9);
    let job = find(&json, "not-my-job");
    assert_eq!(job["offset"], utf16("that's not my job"));
    assert_eq!(job["length"], 17);
}

#[tokio::test]
async fn json_body_and_data_text() {
    let s = state(Config::default());
    let body = serde_json::json!({"language": "en", "data": {"text": "Calm down."}}).to_string();
    let (status, _, json) = send(&s, post("/v2/check", "application/json", body)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["language"]["code"], "en");
    assert_eq!(find(&json, "dismissive")["offset"], 0);
}

#[tokio::test]
async fn rule_and_category_selection() {
    let s = state(Config::default());
    let text = "Calm down, that's not my job.";
    let all = rule_ids(&v2(&s, &[("language", "en-US"), ("text", text)]).await);
    assert!(all.contains(&"dismissive".to_owned()) && all.contains(&"not-my-job".to_owned()));

    let json = v2(
        &s,
        &[
            ("language", "en-US"),
            ("text", text),
            ("disabledRules", "dismissive,NOPE"),
        ],
    )
    .await;
    assert!(!rule_ids(&json).contains(&"dismissive".to_owned()));

    let json = v2(
        &s,
        &[
            ("language", "en-US"),
            ("text", text),
            ("enabledRules", "not-my-job"),
            ("enabledOnly", "true"),
        ],
    )
    .await;
    assert_eq!(rule_ids(&json), ["not-my-job"]);

    let json = v2(
        &s,
        &[
            ("language", "en-US"),
            ("text", text),
            ("disabledCategories", "OWNERSHIP,TYPOS"),
        ],
    )
    .await;
    assert!(!rule_ids(&json).contains(&"not-my-job".to_owned()));

    let json = v2(
        &s,
        &[
            ("language", "en-US"),
            ("text", text),
            ("enabledCategories", "empathy"),
            ("enabledOnly", "true"),
        ],
    )
    .await;
    assert_eq!(rule_ids(&json), ["dismissive"]);
}

#[tokio::test]
async fn languages_lists_english() {
    let s = state(Config::default());
    let (status, _, json) = send(
        &s,
        Request::get("/v2/languages").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let langs = json.as_array().unwrap();
    assert!(langs
        .iter()
        .any(|l| l["code"] == "en" && l["longCode"] == "en-US" && l["name"] == "English (US)"));
}

async fn bad(s: &Arc<AppState>, req: Request<Body>, status: StatusCode, says: &str) {
    let (got, ctype, json) = send(s, req).await;
    assert_eq!(got, status, "{json}");
    assert!(ctype.starts_with("application/json"), "{ctype}");
    let error = json["error"].as_str().unwrap_or_else(|| panic!("{json}"));
    assert!(error.contains(says), "{error:?} should say {says:?}");
}

#[tokio::test]
async fn v2_bad_input_is_400_with_json_error() {
    let s = state(Config::default());
    let bad_req = StatusCode::BAD_REQUEST;
    bad(
        &s,
        post("/v2/check", FORM, "language=en-US"),
        bad_req,
        "`text` or `data`",
    )
    .await;
    bad(
        &s,
        post(
            "/v2/check",
            FORM,
            form(&[("language", "de-DE"), ("text", "Hallo")]),
        ),
        bad_req,
        "`de-DE` is not supported",
    )
    .await;
    bad(
        &s,
        post(
            "/v2/check",
            FORM,
            form(&[("data", "{not json"), ("language", "en")]),
        ),
        bad_req,
        "parameter `data`: invalid JSON",
    )
    .await;
    bad(
        &s,
        post(
            "/v2/check",
            FORM,
            form(&[("data", r#"{"annotation":[{"text":"a"},{"oops":1}]}"#)]),
        ),
        bad_req,
        "annotation[1]",
    )
    .await;
    bad(
        &s,
        post(
            "/v2/check",
            FORM,
            form(&[("text", "Hi"), ("enabledOnly", "maybe")]),
        ),
        bad_req,
        "`enabledOnly`",
    )
    .await;
    bad(
        &s,
        post(
            "/v2/check",
            FORM,
            form(&[("text", "Hi"), ("channel", "fax")]),
        ),
        bad_req,
        "`channel`",
    )
    .await;
    bad(
        &s,
        post("/v2/check", "application/json", "{\"text\": "),
        bad_req,
        "invalid JSON",
    )
    .await;
    bad(
        &s,
        Request::get("/nope").body(Body::empty()).unwrap(),
        StatusCode::NOT_FOUND,
        "/nope",
    )
    .await;
}

#[tokio::test]
async fn v1_check_takes_and_gives_the_batch_objects() {
    let s = state(Config::default());
    let body = serde_json::json!({
        "id": "t-1",
        "text": "No. That's not my job!!!",
        "channel": "chat",
        "customer": "my parcel never arrived!!",
        "history": [{"role": "customer", "text": "hello?"}],
        "received_at": "2026-11-02T09:14:00Z",
        "sent_at": "2026-11-02T09:20:00Z",
        "extra": "ignored"
    });
    let (status, _, json) = send(&s, post("/v1/check", "application/json", body.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["id"], "t-1");
    assert!(json["score"].as_u64().unwrap() < 100);
    assert!(json.get("fixed").is_none());
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "not-my-job")
        .unwrap();
    for key in [
        "category",
        "severity",
        "start",
        "end",
        "line",
        "column",
        "utf16_start",
        "utf16_end",
        "matched",
        "message",
        "suggestions",
        "fix",
        "advice",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["matched"], "That's not my job");

    // `fix` in the body or the query adds the fixed text.
    let body = serde_json::json!({"id": 7, "text": "Calm down.", "fix": true});
    let (_, _, json) = send(&s, post("/v1/check", "application/json", body.to_string())).await;
    assert_eq!(json["id"], 7);
    assert!(json["fixed"].as_str().unwrap().starts_with("I understand"));
    let (_, _, json) = send(
        &s,
        post(
            "/v1/check?fix=true",
            "text/plain",
            r#"{"text": "Calm down."}"#,
        ),
    )
    .await;
    assert!(json["fixed"].is_string());
}

#[tokio::test]
async fn v1_bad_input_is_400_with_json_error() {
    let s = state(Config::default());
    let b = StatusCode::BAD_REQUEST;
    let v1 = |body: &str| post("/v1/check", "application/json", body.to_owned());
    bad(&s, v1("{\"text\": \"a\",\n \"id\": }"), b, "line 2 column").await;
    bad(&s, v1("[1, 2]"), b, "JSON object").await;
    bad(&s, v1(r#"{"id": 1}"#), b, "\"text\"").await;
    bad(&s, v1(r#"{"text": 5}"#), b, "\"text\"").await;
    bad(&s, v1(r#"{"text": "a", "channel": "fax"}"#), b, "fax").await;
    bad(
        &s,
        v1(r#"{"text": "a", "sent_at": "yesterday"}"#),
        b,
        "request body",
    )
    .await;
    bad(
        &s,
        v1(r#"{"text": "a", "history": "x"}"#),
        b,
        "request body",
    )
    .await;
    bad(&s, v1(r#"{"text": "a", "fix": "yes"}"#), b, "\"fix\"").await;
    bad(&s, v1(""), b, "invalid JSON").await;
}

#[tokio::test]
async fn limits_on_body_and_text() {
    let s = state(Config {
        max_body: 4096,
        max_text: 100,
        ..Config::default()
    });
    let long = "a".repeat(5000);
    bad(
        &s,
        post("/v2/check", FORM, form(&[("text", &long)])),
        StatusCode::PAYLOAD_TOO_LARGE,
        "larger than",
    )
    .await;
    let text = "b".repeat(101);
    bad(
        &s,
        post("/v2/check", FORM, form(&[("text", &text)])),
        StatusCode::PAYLOAD_TOO_LARGE,
        "101 bytes",
    )
    .await;
    bad(
        &s,
        post(
            "/v1/check",
            "application/json",
            serde_json::json!({ "text": text }).to_string(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE,
        "limit is 100",
    )
    .await;
}

#[tokio::test]
async fn long_texts_are_checked_off_the_runtime_threads() {
    let s = state(Config::default());
    let text = "Thanks for writing. That's not my job. ".repeat(1000);
    let json = v2(&s, &[("text", &text)]).await;
    assert_eq!(
        rule_ids(&json)
            .iter()
            .filter(|id| *id == "not-my-job")
            .count(),
        1000
    );
}

#[tokio::test]
async fn concurrency_limit_queues_rather_than_fails() {
    let s = state(Config {
        max_concurrency: 1,
        ..Config::default()
    });
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            send(&s, post("/v2/check", FORM, form(&[("text", "Calm down.")])))
                .await
                .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
}

/// A client that sends half a body and stalls gets a 503 after the
/// timeout instead of holding a slot for ever.
#[tokio::test]
async fn slow_body_times_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = state(Config {
        timeout: Duration::from_millis(300),
        ..Config::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(s)).await });
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(
        b"POST /v2/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntext=Hi",
    )
    .await
    .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(head.contains("took longer than 300 ms"), "{head}");
}

#[tokio::test]
async fn health_page_and_cors() {
    let s = state(Config::default());
    let (status, _, json) = send(&s, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["status"], "ok");
    assert!(json["rules"].as_u64().unwrap() > 0);

    let (status, ctype, page) = send(&s, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    let page = page.as_str().unwrap();
    assert!(page.contains("v1/check"));
    // Self-contained: no external scripts, styles, images or fonts.
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(
            !page.contains(attr),
            "the page loads an external asset: {attr}"
        );
    }

    let resp = router(s.clone())
        .oneshot(
            Request::builder()
                .method("OPTIONS")
                .uri("/v2/check")
                .header(header::ORIGIN, "chrome-extension://abc")
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(resp.status().is_success());
    assert_eq!(resp.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn reload_swaps_the_pack_and_keeps_it_when_the_new_one_is_bad() {
    let dir = std::env::temp_dir().join(format!("tactful-server-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("house.toml");
    let pack = |phrase: &str| {
        format!(
            "[rules.jargon]\nseverity = \"warning\"\nadd-phrases = [{{ phrase = \"{phrase}\", suggest = [\"the plan\"] }}]\n"
        )
    };
    std::fs::write(&path, pack("frobnicator")).unwrap();
    let s = state(Config {
        rules: vec![path.clone()],
        ..Config::default()
    });
    let flags = |json: &Value, word: &str| {
        json["matches"].as_array().unwrap().iter().any(|m| {
            m["rule"]["id"] == "jargon" && m["context"]["text"].as_str().unwrap().contains(word)
        })
    };
    let text = "Thanks for writing. The frobnicator and the quuxinator are ready.";
    let json = v2(&s, &[("text", text)]).await;
    assert!(flags(&json, "frobnicator"));
    assert_eq!(s.loaded().generation, 1);

    std::fs::write(&path, "[rules.jargon\nseverity = ").unwrap();
    let err = s.reload().unwrap_err();
    assert!(err.contains("house.toml"), "{err}");
    assert_eq!(s.loaded().generation, 1);
    assert!(flags(&v2(&s, &[("text", text)]).await, "frobnicator"));

    std::fs::write(&path, pack("quuxinator")).unwrap();
    // Failed reloads do not count.
    assert_eq!(s.reload().unwrap(), 2);
    let json = v2(&s, &[("text", text)]).await;
    let (_, _, health) = send(&s, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(health["generation"], 2);
    let _ = std::fs::remove_dir_all(&dir);
    let jargon: Vec<_> = json["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["rule"]["id"] == "jargon")
        .map(|m| m["offset"].as_u64().unwrap())
        .collect();
    // The fix "the plan" takes the determiner before the match with it.
    assert_eq!(jargon, [text.find("the quuxinator").unwrap() as u64]);
}

#[tokio::test]
async fn garbage_never_panics() {
    let s = state(Config::default());
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"=".to_vec(),
        b"&&&==&".to_vec(),
        b"text".to_vec(),
        b"text=%ZZ".to_vec(),
        b"data=%7B%22annotation%22%3Anull%7D".to_vec(),
        b"data=%5B%5D".to_vec(),
        b"{}".to_vec(),
        b"{\"text\": null}".to_vec(),
        b"{\"text\": {\"a\": 1}}".to_vec(),
        vec![0xc3, 0x28, b'=', b'x'],
        "text=\u{feff}\u{200d}\u{1F600}\r\n\r\n".as_bytes().to_vec(),
    ];
    for body in bodies {
        for (path, ctype) in [
            ("/v2/check", FORM),
            ("/v2/check", "application/json"),
            ("/v1/check", "application/json"),
        ] {
            let (status, _, json) = send(&s, post(path, ctype, body.clone())).await;
            assert!(
                status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
                "{path} {body:?}: {status} {json}"
            );
            if status == StatusCode::BAD_REQUEST {
                assert!(json["error"].is_string());
            }
        }
    }
}

#[tokio::test]
async fn v2_replacements_are_fixes_and_advice_joins_the_message() {
    let s = state(Config::default());
    // Running down rivals: its suggestion is advice with a gap to fill.
    let json = v2(&s, &[("text", "Our competitors are a joke.")]).await;
    let matches = json["matches"].as_array().unwrap();
    assert!(!matches.is_empty(), "{json}");
    for m in matches {
        for r in m["replacements"].as_array().unwrap() {
            let value = r["value"].as_str().unwrap();
            assert!(!value.contains('…') && !value.contains("..."), "{m}");
        }
    }
    assert!(
        matches
            .iter()
            .any(|m| m["message"].as_str().unwrap().contains("Consider: ")),
        "{json}"
    );
}
