//! A helpdesk backend's request handler: it takes the body of a "check
//! this draft" request (one object of the batch input, `ReplyInput`) and
//! returns the findings as JSON (the library's `OwnedReport`, the batch
//! output's per-reply object). The owned report keeps nothing borrowed
//! from the request, so the handler can return it; plug `handle` into any
//! HTTP framework.
//!
//! ```text
//! cargo run --example helpdesk_handler
//! ```

#![allow(clippy::print_stdout)]

use tactful::{Channel, Checker, OwnedReport, ReplyInput};

/// What the handler answers: an HTTP status and a JSON body.
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// `POST /check` with `{"id": …, "text": …, "channel"?: …, "customer"?: …}`.
pub fn handle(checker: &Checker, body: &str, with_fix: bool) -> Response {
    let input: ReplyInput = match serde_json::from_str(body) {
        Ok(input) => input,
        Err(e) => {
            let error = serde_json::json!({ "error": format!("bad request: {e}") });
            return Response {
                status: 400,
                body: error.to_string(),
            };
        }
    };
    let report = checker.check_with(&input.text, &input.context_or(Channel::Chat));
    let owned: OwnedReport = if with_fix {
        report.to_owned_report_fixed()
    } else {
        report.to_owned_report()
    };
    match serde_json::to_string(&owned.with_id(input.id)) {
        Ok(body) => Response { status: 200, body },
        Err(e) => Response {
            status: 500,
            body: serde_json::json!({ "error": e.to_string() }).to_string(),
        },
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let checker = Checker::new()?; // once, at start-up; share it across requests
    let requests = [
        r#"{"id": "T-1042", "text": "Calm down, that's not my job.", "customer": "Where is my refund??"}"#,
        r#"{"id": "T-1043", "text": "Thanks for waiting! Your refund is on its way."}"#,
        r#"{"id": "T-1044", "text": 42}"#,
    ];
    for body in requests {
        let response = handle(&checker, body, true);
        println!("{} {}", response.status, response.body);
        if response.status == 200 {
            // A client reads the same type back.
            let report: OwnedReport = serde_json::from_str(&response.body)?;
            println!(
                "  {} findings, score {}",
                report.findings.len(),
                report.score
            );
        }
    }
    Ok(())
}
