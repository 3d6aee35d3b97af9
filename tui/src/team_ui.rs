//! Drawing the team console. Rendering only reads the [`TeamConsole`].
//!
//! The layout follows the facilitator's screen: a header, the map and the
//! team panel on top, the inbox and the log below, a hint bar. Terminals of
//! 120x32 and more also get a panel of public confidence, the EO 13848
//! deadlines and the team's results.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Sparkline, Widget, Wrap};
use ttx_engine::Severity;
use ttx_engine::view::EoView;

use crate::chrome::{
    Segment, Title, centered, confirm, frame, header, help, help_intro, help_section, panel, popup, put,
    status_or_hints, too_small, too_small_for,
};
pub use crate::team::layout::{Areas, areas};
use crate::team::panel::{entry_lines, max_scroll};
use crate::team::{Connection, TeamConsole, TeamOverlay, outcome_text};
use crate::team_keys::{TEAM_BINDINGS, TeamContext};
use crate::text::{truncate, width, wrap};
use crate::theme::{Theme, status_marker};
use crate::widgets::inbox::InboxList;
use crate::widgets::sharing::bars;
use crate::widgets::{CommandFormView, EventLog, UsMap};

/// Draws the team console into a frame.
pub fn render(c: &TeamConsole, frame: &mut Frame) {
    let area = frame.area();
    draw(c, area, frame.buffer_mut());
}

/// Draws the team console into a buffer area.
pub fn draw(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    if too_small_for(area) {
        too_small(t, "ttx team console", "leave", area, buf);
        if matches!(c.overlay(), Some(TeamOverlay::ConfirmQuit)) {
            confirm_quit(c, area, buf);
        }
        return;
    }
    let [header, body, footer] = frame(area);
    draw_header(c, header, buf);
    draw_body(c, area, buf);
    draw_footer(c, footer, buf);
    match c.overlay() {
        None => {}
        Some(TeamOverlay::Help { scroll }) => help(t, body, *scroll, |w| help_lines(t, w), buf),
        Some(TeamOverlay::ConfirmQuit) => confirm_quit(c, body, buf),
        Some(TeamOverlay::Message { index }) => message(c, *index, body, buf),
        Some(TeamOverlay::Talk) => crate::team::draw_talk(c, body, buf),
        Some(TeamOverlay::Palette(form)) => {
            let r = centered(body, body.width.saturating_sub(4).min(110), body.height);
            let inner = popup(t, &format!(" Give a command as {} ", c.view().name), r, buf);
            CommandFormView::new(form, t).results(&c.view().outcomes, c.clock()).render(inner, buf);
        }
        Some(TeamOverlay::Debrief(form)) => {
            let r = centered(body, body.width.saturating_sub(4).min(100), body.height);
            let inner = popup(t, form.title(), r, buf);
            form.render(t, inner, buf);
        }
    }
}

/// What the console shows before the server's first view arrives: where it is joining,
/// and how that is going.
pub fn draw_joining(t: Theme, server: &str, team: &str, progress: &str, area: Rect, buf: &mut Buffer) {
    Clear.render(area, buf);
    let lines = vec![
        Line::styled(format!("Joining {server} as team {team}"), t.title()),
        Line::raw(""),
        Line::styled(progress.to_string(), t.text()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("q", t.key()),
            Span::styled(" or ", t.dim()),
            Span::styled("Ctrl-C", t.key()),
            Span::styled(" gives up", t.dim()),
        ]),
    ];
    let w = area.width.saturating_sub(4).min(76);
    let r = centered(area, w, 9);
    let inner = popup(t, " ttx team console ", r, buf);
    Paragraph::new(lines).wrap(Wrap { trim: false }).render(inner, buf);
}

fn draw_header(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let v = c.view();
    let conn = match (c.connection(), v.finished) {
        (Connection::Ended { .. }, _) => "ENDED",
        (Connection::Refused(_), _) => "REFUSED",
        (Connection::Reconnecting(_), _) => "RECONNECTING",
        (Connection::Connected, true) => "ENDED",
        (Connection::Connected, false) => "connected",
    };
    let mut right = vec![Segment::bold(format!(" {} ", c.time()))];
    // Where the exercise stands, while connected: PAUSED, RUNNING and the speed.
    if let (Connection::Connected, false, Some(clock)) = (c.connection(), v.finished, c.exercise_clock()) {
        right.push(Segment::plain("| ".into()));
        right.push(Segment::bold(format!("{} ", crate::team::clock_label(clock))));
    }
    right.push(Segment::plain("| ".into()));
    right.push(Segment { text: format!("{conn} "), bold: conn != "connected" });
    let team = format!("{} ({})", v.name, v.team);
    let module =
        v.module.as_ref().map(|m| format!("{} ({}/{})", m.title, m.index + 1, m.count)).unwrap_or_default();
    let title = Title { parts: &[&team, &module, &v.scenario], short: &[&team, &module], bold: true };
    header(c.theme(), &title, &right, area, buf);
}

fn draw_footer(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let w = usize::from(area.width);
    match c.connection() {
        Connection::Reconnecting(why) => {
            let text = format!(" Reconnecting with your code: {why}");
            put(buf, area.x, area.y, &text, w, t.warn());
            return;
        }
        Connection::Refused(why) => {
            let text = format!(" The server refused this console: {why}. q leaves.");
            put(buf, area.x, area.y, &text, w, t.error());
            return;
        }
        Connection::Ended { message, metrics } => {
            put(buf, area.x, area.y, &ended_text(message, metrics), w, t.warn());
            return;
        }
        Connection::Connected => {}
    }
    status_or_hints(t, c.status(), TEAM_BINDINGS, &c.contexts(), area, buf);
}

/// The footer of a console whose session has ended: why, the final figures, how to leave.
pub fn ended_text(message: &str, metrics: &[(String, String)]) -> String {
    let figures: Vec<String> = metrics.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let figures = if figures.is_empty() { String::new() } else { format!(" Final: {}.", figures.join(", ")) };
    format!(" ENDED: {message}. Any key leaves.{figures}")
}

fn draw_body(c: &TeamConsole, screen: Rect, buf: &mut Buffer) {
    let Some(a) = areas(screen) else { return };
    draw_map(c, a.map, buf);
    draw_team_panel(c, a.team, a.public.is_none(), screen, buf);
    if let Some(p) = a.public {
        draw_public(c, p, buf);
    }
    draw_inbox(c, a.inbox, buf);
    draw_log(c, a.log, buf);
}

fn draw_map(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let states = &c.view().states;
    let sel = states.get(c.map_selection());
    let room = usize::from(area.width.saturating_sub(2));
    // The state's name when it fits, else its postal code.
    let title = match sel {
        Some(s) => {
            let what = if s.counts.iter().sum::<u32>() == 0 {
                ", none of your assets".to_string()
            } else {
                format!(" is {}{}", status_marker(s.worst).to_string().trim(), s.worst.label())
            };
            let long = format!(" Map 1: {}{what} ", s.name);
            if width(&long) <= room { long } else { format!(" Map 1: {}{what} ", s.postal) }
        }
        None => " Map 1 ".to_string(),
    };
    let block = panel(t, truncate(&title, room), c.focus() == crate::team_keys::TeamPanel::Map);
    let inner = block.inner(area);
    block.render(area, buf);
    UsMap::new(states, t).selected(sel.map(|s| s.postal.as_str())).render(inner, buf);
}

/// The confidence history as a one-line sparkline of `n` cells.
pub fn spark(history: &[(u32, f64)], n: usize) -> String {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let values: Vec<Option<f64>> = history.iter().map(|(_, v)| Some(*v)).collect();
    bars(&values, n, true)
        .into_iter()
        .map(|b| b.map_or(' ', |v| BARS[((v as usize * 8).div_ceil(100)).min(8)]))
        .collect()
}

/// The EO 13848 process in lines: the assessment, the report, sanctions.
pub fn eo_lines(eo: &EoView) -> Vec<String> {
    let mut v = vec![match (&eo.assessment_at, eo.named.is_empty()) {
        (Some(at), false) => format!("EO 13848 assessment delivered {at}, names {}", eo.named.join(", ")),
        (Some(at), true) => format!("EO 13848 assessment delivered {at}, names no one"),
        (None, _) => format!("EO 13848 assessment due {}", eo.assessment_due),
    }];
    match (&eo.report_at, &eo.report_due) {
        (Some(at), _) => v.push(format!("EO 13848 report delivered {at}")),
        (None, Some(due)) => v.push(format!("EO 13848 report due {due}")),
        _ => {}
    }
    if let Some(at) = &eo.sanctions_at {
        let who = if eo.sanctioned.is_empty() { "no one".to_string() } else { eo.sanctioned.join(", ") };
        v.push(format!("Sanctions decided {at}: {who}"));
    }
    v
}

fn confidence_line(c: &TeamConsole, w: usize) -> Line<'static> {
    let t = c.theme();
    let v = c.view();
    let low = c.confidence_low();
    let head = format!("confidence {:.1} (low {low:.1}) ", v.confidence);
    let room = w.saturating_sub(width(&head));
    Line::from(vec![
        Span::styled(head, t.text()),
        Span::styled(spark(c.confidence_history(), room.min(40)), if t.color { t.good() } else { t.text() }),
    ])
}

fn draw_team_panel(c: &TeamConsole, area: Rect, pinned: bool, screen: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let v = c.view();
    let focused = c.focus() == crate::team_keys::TeamPanel::Actors;
    let scroll = c.panel_scroll().min(max_scroll(c, screen));
    let more = if scroll > 0 { format!(" (+{scroll} above)") } else { String::new() };
    let title = truncate(&format!(" Team 4: {}{more} ", v.name), usize::from(area.width.saturating_sub(2)));
    let block = panel(t, title, focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let w = usize::from(inner.width);
    let mut y = inner.y;
    if pinned {
        // On small screens the public picture is pinned on top of this panel.
        let mut top = vec![confidence_line(c, w)];
        // The next EO 13848 deadline, or the last step once every deadline is met.
        let eo = eo_lines(&v.eo);
        if let Some(l) = eo.iter().find(|l| l.contains(" due ")).or(eo.last()) {
            top.push(Line::styled(truncate(l, w), t.dim()));
        }
        for l in top {
            if y < inner.bottom() {
                buf.set_line(inner.x, y, &l, inner.width);
                y += 1;
            }
        }
    }
    // Paused for discussion: the module's questions come first (above the first entry: they
    // scroll away with it).
    if let (0, Some(k)) = (scroll, c.exercise_clock().filter(|k| k.discussion)) {
        let title = k.module.clone().unwrap_or_default();
        let mut lines = vec![Line::styled(format!("Discussion: {title}"), t.title())];
        for (i, q) in k.questions.iter().enumerate() {
            for (k, l) in wrap(&format!("{}. {q}", i + 1), w.saturating_sub(3)).into_iter().enumerate() {
                let l = if k == 0 { format!(" {l}") } else { format!("    {l}") };
                lines.push(Line::styled(l, t.text()));
            }
        }
        for l in lines {
            if y < inner.bottom() {
                buf.set_line(inner.x, y, &l, inner.width);
                y += 1;
            }
        }
    }
    // The inject that just fired (in the last simulated day), in full.
    if let Some(m) = c.latest_inject().filter(|_| scroll == 0) {
        let mut lines: Vec<Line> = wrap(&format!("Inject {}: {}", m.time, m.title), w)
            .into_iter()
            .map(|l| Line::styled(l, t.title()))
            .collect();
        lines.extend(wrap(&m.text, w.saturating_sub(2)).into_iter().map(|l| Line::raw(format!("  {l}"))));
        for l in lines {
            if y < inner.bottom() {
                buf.set_line(inner.x, y, &l, inner.width);
                y += 1;
            }
        }
    }
    let clock = c.clock();
    let entries = c.panel_entries();
    for e in entries.iter().skip(scroll) {
        for l in entry_lines(e, v, t, clock, inner.width) {
            if y >= inner.bottom() {
                return;
            }
            buf.set_line(inner.x, y, &l, inner.width);
            y += 1;
        }
    }
}

fn draw_public(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let v = c.view();
    let block = panel(t, " Public confidence, EO 13848, results ".to_string(), false);
    let inner = block.inner(area);
    block.render(area, buf);
    let w = usize::from(inner.width);
    let low = c.confidence_low();
    let mut y = inner.y;
    let put = |l: Line<'static>, y: &mut u16, buf: &mut Buffer| {
        if *y < inner.bottom() {
            buf.set_line(inner.x, *y, &l, inner.width);
            *y += 1;
        }
    };
    put(
        Line::from(vec![
            Span::styled("public confidence ", t.text()),
            Span::styled(format!("{:.1}", v.confidence), t.title()),
            Span::styled(format!("  lowest seen {low:.1}"), t.dim()),
        ]),
        &mut y,
        buf,
    );
    let spark_h = 3u16.min(inner.bottom().saturating_sub(y));
    if spark_h > 0 {
        let values: Vec<Option<f64>> = c.confidence_history().iter().map(|(_, x)| Some(*x)).collect();
        let data = bars(&values, w, true);
        Sparkline::default()
            .data(data)
            .max(100)
            .style(if t.color { t.good() } else { t.text() })
            .render(Rect::new(inner.x, y, inner.width, spark_h), buf);
        y += spark_h;
    }
    for l in eo_lines(&v.eo) {
        for p in wrap(&l, w) {
            put(Line::styled(p, t.dim()), &mut y, buf);
        }
    }
    put(Line::raw(""), &mut y, buf);
    put(Line::styled("Your team's results (newest first)", t.title()), &mut y, buf);
    if v.outcomes.is_empty() {
        put(Line::styled("  none yet", t.dim()), &mut y, buf);
    }
    let clock = c.clock();
    for o in v.outcomes.iter().rev() {
        let style = if o.result.is_ok() { t.text() } else { t.error() };
        for (k, p) in wrap(&outcome_text(o, clock), w.saturating_sub(2)).into_iter().enumerate() {
            put(
                Line::from(vec![Span::raw(if k == 0 { "  " } else { "    " }), Span::styled(p, style)]),
                &mut y,
                buf,
            );
        }
    }
}

fn draw_inbox(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let n = c.view().inbox.len();
    let focused = c.focus() == crate::team_keys::TeamPanel::Inbox;
    let newer = if c.inbox_selection() > 0 {
        format!(", {} newer above", c.inbox_selection())
    } else {
        String::new()
    };
    let title = format!(" Inbox 2: {n} message{}{newer} ", if n == 1 { "" } else { "s" });
    let block = panel(t, truncate(&title, usize::from(area.width.saturating_sub(2))), focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = if inner.height >= 20 { 4 } else { 3 };
    InboxList::new(&c.view().inbox, t)
        .selected(Some(c.inbox_selection()))
        .rows_per_item(rows)
        .render(inner, buf);
}

fn draw_log(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let f = c.log_filter();
    let sev = if f.min_severity == Severity::Info {
        String::new()
    } else {
        format!(": {}+", f.min_severity.label())
    };
    let scroll = if c.log_scroll() > 0 { format!(" +{} newer", c.log_scroll()) } else { String::new() };
    let focused = c.focus() == crate::team_keys::TeamPanel::Log;
    let block = panel(t, format!(" Log 3{sev}{scroll} "), focused);
    let inner = block.inner(area);
    block.render(area, buf);
    if c.view().log.is_empty() {
        let msg = "Nothing your team can see has happened yet.";
        for (i, l) in
            wrap(msg, usize::from(inner.width)).into_iter().enumerate().take(usize::from(inner.height))
        {
            buf.set_string(inner.x, inner.y + i as u16, l, t.dim());
        }
        return;
    }
    EventLog::new(&c.view().log, f, t).scroll(c.log_scroll()).render(inner, buf);
}

/// Every line of the help screen, for a width.
pub fn help_lines(t: Theme, w: u16) -> Vec<Line<'static>> {
    let intro = "Your commands go to the server, which checks your team's authority, records them, \
                 and applies them at the next simulated hour. The facilitator runs the clock. \
                 If the connection breaks, the console reconnects by itself with your code.";
    let mut out = help_intro(t, "Every key of the team console", intro, w);
    for ctx in TeamContext::HELP_ORDER {
        let typing = ctx.takes_text().then_some("type text, or narrow a list");
        out.extend(help_section(t, TEAM_BINDINGS, ctx, ctx.title(), typing, w));
    }
    out
}

fn confirm_quit(c: &TeamConsole, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let mut lines = vec![
        Line::styled("Leave the team console?", t.title()),
        Line::raw("The exercise goes on; join again with the same code."),
    ];
    let n = c.requests().iter().filter(|r| r.state == crate::team::RequestState::Sent).count();
    if n > 0 {
        lines.push(Line::styled(
            format!("{n} command{} not answered yet.", if n == 1 { " is" } else { "s are" }),
            t.warn(),
        ));
    }
    confirm(t, " Leave ", lines, "leave", area, buf);
}

fn message(c: &TeamConsole, index: usize, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let v = c.view();
    let n = v.inbox.len();
    let Some(m) = n.checked_sub(index + 1).and_then(|i| v.inbox.get(i)) else { return };
    let r = centered(area, area.width.saturating_sub(6).min(100), area.height);
    let inner =
        popup(t, &format!(" Message {} of {n} (newest first; Up/Down: newer, older) ", index + 1), r, buf);
    let w = usize::from(inner.width);
    let mut out: Vec<Line> = wrap(&m.title, w).into_iter().map(|l| Line::styled(l, t.title())).collect();
    let mut facts = vec![format!("Received {}", m.time)];
    if let Some(f) = &m.from {
        facts.push(format!("from {f}"));
    }
    if let Some(to) = &m.to {
        facts.push(format!("to {to}"));
    }
    if let Some(ch) = &m.channel {
        facts.push(format!("on {ch}"));
    }
    out.extend(wrap(&facts.join(", "), w).into_iter().map(|l| Line::styled(l, t.dim())));
    out.push(Line::raw(""));
    out.extend(wrap(&m.text, w).into_iter().map(Line::raw));
    if let Some(num) = m.indicator
        && let Some(i) = v.indicators.iter().find(|i| i.number == num)
    {
        out.push(Line::raw(""));
        let text = format!(
            "IND-{:04}: {} seen at stage {}, activity {}; first seen {}; your team holds it at {}.",
            i.number,
            i.technique,
            i.stage,
            i.activity,
            i.created,
            i.held_by.join(", ")
        );
        out.extend(wrap(&text, w).into_iter().map(|l| Line::styled(l, t.text())));
        out.push(Line::styled("To share it or act on it: Esc, then c (the command palette).", t.dim()));
    }
    Paragraph::new(out).render(inner, buf);
}
