//! The binary itself: it listens where `--listen` says, reloads its pack on
//! SIGHUP and when the file changes, keeps the old pack when the new one
//! is bad, and refuses to start on a bad pack.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
    log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(pack: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tactful-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--watch-interval",
            "1",
            "--rules",
        ])
        .arg(pack)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, log) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = log.recv_timeout(Duration::from_secs(30)).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches('/')
        .to_owned();
    Server { child, addr, log }
}

fn get(addr: &str, path: &str) -> String {
    let mut conn = TcpStream::connect(addr).unwrap();
    write!(
        conn,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    conn.read_to_string(&mut out).unwrap();
    out
}

fn generation(addr: &str) -> u64 {
    let resp = get(addr, "/health");
    let body = resp.split("\r\n\r\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    json["generation"].as_u64().unwrap()
}

fn wait_for_line(server: &Server, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(line) = server.log.recv_timeout(Duration::from_millis(200)) {
            if line.contains(needle) {
                return line;
            }
        }
    }
    panic!("the server never logged {needle:?}");
}

fn temp_pack(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("tactful-server-bin-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("house.toml")
}

const GOOD: &str = "[rules.jargon]\nseverity = \"warning\"\nadd-phrases = [{ phrase = \"frobnicator\", suggest = [\"the plan\"] }]\n";

#[test]
fn reloads_on_sighup_and_on_change_and_keeps_a_good_pack() {
    let pack = temp_pack("reload");
    std::fs::write(&pack, GOOD).unwrap();
    let server = start(&pack);
    assert_eq!(generation(&server.addr), 1);

    // SIGHUP reloads.
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    wait_for_line(&server, "SIGHUP: pack reloaded");
    assert_eq!(generation(&server.addr), 2);

    // A broken file is noticed, logged with its location, and the old
    // pack stays in use.
    std::fs::write(&pack, "[rules.jargon\n").unwrap();
    let line = wait_for_line(&server, "keeping the previous pack");
    assert!(line.contains("house.toml"), "{line}");
    assert_eq!(generation(&server.addr), 2);
    let resp = get(
        &server.addr,
        "/v2/check?text=The%20frobnicator%20is%20ready.",
    );
    assert!(resp.contains("\"jargon\""), "{resp}");

    // Fixing the file reloads it.
    std::fs::write(&pack, format!("{GOOD}\n# fixed\n")).unwrap();
    wait_for_line(&server, "pack file changed: pack reloaded");
    assert_eq!(generation(&server.addr), 3);
    let _ = std::fs::remove_dir_all(pack.parent().unwrap());
}

#[test]
fn refuses_to_start_on_a_bad_pack() {
    let pack = temp_pack("bad");
    std::fs::write(&pack, "[rules.jargon]\nseverity = \"loud\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tactful-server"))
        .args(["--listen", "127.0.0.1:0", "--rules"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("house.toml"), "{err}");
    let _ = std::fs::remove_dir_all(pack.parent().unwrap());
}
