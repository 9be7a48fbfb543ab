//! Writes a large Security-style event log with the simulator's EVTX writer, for
//! `scripts/bench.sh`: logons (4624), logoffs (4634), special privileges (4672) and
//! process creations (4688) of Microsoft-Windows-Security-Auditing, with their real
//! named EventData items, one event every few hundred milliseconds, laid out as Windows
//! writes them (the EventData a nested template instance; `--flat`: one template per
//! event). Same arguments, same bytes.
//!
//! ```text
//! cargo run --release --example security_log -- OUT.evtx [RECORDS] [--flat]   # default 1,000,000
//! ```

use corvid::simulate::evtx_writer::{Event, EventData, Layout, StreamingEvtxWriter};
use corvid::simulate::rng::Rng;
use std::io::BufWriter;

const PROVIDER: &str = "Microsoft-Windows-Security-Auditing";
const PROVIDER_GUID: &str = "{54849625-5478-4994-A5BA-3E3B0328C30D}";
/// 2024-03-04T00:00:00Z as a FILETIME.
const START: u64 = 133_539_840_000_000_000;
const USERS: [&str; 6] = ["svc_web", "alice", "bob", "IUSR", "svc_sql", "carol"];
const PROCESSES: [&str; 4] = [
    "C:\\Windows\\System32\\inetsrv\\w3wp.exe",
    "C:\\Windows\\System32\\cmd.exe",
    "C:\\Windows\\System32\\conhost.exe",
    "C:\\Program Files\\dotnet\\dotnet.exe",
];

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().collect();
    let layout = match args.iter().position(|a| a == "--flat") {
        Some(i) => {
            args.remove(i);
            Layout::Flat
        }
        None => Layout::Nested,
    };
    let Some(path) = args.get(1) else {
        eprintln!("usage: security_log OUT.evtx [RECORDS] [--flat]");
        std::process::exit(2);
    };
    let records: u64 = match args.get(2).map(|n| n.replace([',', '_'], "").parse()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("security_log: RECORDS: {e}");
            std::process::exit(2);
        }
    };
    let out = BufWriter::new(std::fs::File::create(path)?);
    let mut writer = StreamingEvtxWriter::with_layout(out, layout)?;
    let mut rng = Rng::new(7);
    let mut time = START;
    for n in 0..records {
        time += 1_000_000 + rng.below(4_000_000);
        writer.add(&event(&mut rng, n, time))?;
    }
    writer.finish()?;
    Ok(())
}

/// The `n`th event, at `time`.
fn event(rng: &mut Rng, n: u64, time: u64) -> Event {
    let user = *rng.pick(&USERS);
    let logon_id = format!("0x{:x}", 0x3e7 + rng.below(1 << 24));
    let (event_id, task, fields) = match n % 4 {
        0 => (4624, 12544, logon(rng, user, &logon_id)),
        1 => (4672, 12548, privileges(user, &logon_id)),
        2 => (4688, 13312, process(rng, user, &logon_id)),
        _ => (4634, 12545, logoff(user, &logon_id)),
    };
    Event {
        provider_name: PROVIDER.into(),
        provider_guid: Some(PROVIDER_GUID.into()),
        event_id,
        version: Some(if event_id == 4624 { 2 } else { 0 }),
        level: 0,
        task,
        opcode: Some(0),
        keywords: 0x8020000000000000,
        time_created: time,
        execution_pid: 716,
        execution_tid: 1000 + rng.below(9000) as u32,
        channel: "Security".into(),
        computer: "WEB01.corp.example".into(),
        data: EventData::Named {
            fields: fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            binary: None,
        },
        ..Event::default()
    }
}

fn subject(user: &str, logon_id: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "SubjectUserSid",
            format!(
                "S-1-5-21-1004336348-1177238915-682003330-{}",
                1000 + user.len()
            ),
        ),
        ("SubjectUserName", user.to_string()),
        ("SubjectDomainName", "CORP".to_string()),
        ("SubjectLogonId", logon_id.to_string()),
    ]
}

fn logon(rng: &mut Rng, user: &str, logon_id: &str) -> Vec<(&'static str, String)> {
    let mut f = subject("WEB01$", "0x3e7");
    f.extend([
        (
            "TargetUserSid",
            "S-1-5-21-1004336348-1177238915-682003330-1107".to_string(),
        ),
        ("TargetUserName", user.to_string()),
        ("TargetDomainName", "CORP".to_string()),
        ("TargetLogonId", logon_id.to_string()),
        ("LogonType", rng.pick(&["3", "5", "8", "10"]).to_string()),
        ("LogonProcessName", "Advapi  ".to_string()),
        ("AuthenticationPackageName", "Negotiate".to_string()),
        ("WorkstationName", "WEB01".to_string()),
        (
            "LogonGuid",
            "{00000000-0000-0000-0000-000000000000}".to_string(),
        ),
        ("TransmittedServices", "-".to_string()),
        ("LmPackageName", "-".to_string()),
        ("KeyLength", "0".to_string()),
        ("ProcessId", "0x2cc".to_string()),
        (
            "ProcessName",
            "C:\\Windows\\System32\\services.exe".to_string(),
        ),
        (
            "IpAddress",
            format!("10.0.{}.{}", rng.below(4), rng.below(250) + 2),
        ),
        ("IpPort", (49152 + rng.below(16000)).to_string()),
        ("ImpersonationLevel", "%%1833".to_string()),
    ]);
    f
}

fn privileges(user: &str, logon_id: &str) -> Vec<(&'static str, String)> {
    let mut f = subject(user, logon_id);
    f.push((
        "PrivilegeList",
        "SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeAuditPrivilege\r\n\t\t\tSeImpersonatePrivilege"
            .to_string(),
    ));
    f
}

fn process(rng: &mut Rng, user: &str, logon_id: &str) -> Vec<(&'static str, String)> {
    let mut f = subject(user, logon_id);
    f.extend([
        (
            "NewProcessId",
            format!("0x{:x}", 0x1000 + rng.below(0xf000)),
        ),
        ("NewProcessName", rng.pick(&PROCESSES).to_string()),
        ("TokenElevationType", "%%1936".to_string()),
        ("ProcessId", "0x2cc".to_string()),
        ("CommandLine", String::new()),
        ("TargetUserSid", "S-1-0-0".to_string()),
        ("TargetUserName", "-".to_string()),
        ("TargetDomainName", "-".to_string()),
        ("TargetLogonId", "0x0".to_string()),
        (
            "ParentProcessName",
            "C:\\Windows\\System32\\services.exe".to_string(),
        ),
        ("MandatoryLabel", "S-1-16-16384".to_string()),
    ]);
    f
}

fn logoff(user: &str, logon_id: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "TargetUserSid",
            "S-1-5-21-1004336348-1177238915-682003330-1107".to_string(),
        ),
        ("TargetUserName", user.to_string()),
        ("TargetDomainName", "CORP".to_string()),
        ("TargetLogonId", logon_id.to_string()),
        ("LogonType", "3".to_string()),
    ]
}
