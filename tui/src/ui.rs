//! Drawing the facilitator console. Rendering only reads the [`Console`].

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use ttx_engine::metrics::thousands;

use crate::chrome::{
    Segment, Title, centered, confirm, frame, header, help, help_intro, help_section, panel, popup, put,
    status_or_hints, too_small, too_small_for,
};
use crate::console::{Console, Overlay, Panel, SPEEDS};
use crate::keys::{BINDINGS, Context};
use crate::text::{fit, hms, truncate, wrap};
use crate::theme::{Theme, status_marker};
use crate::widgets::{CommandFormView, EventLog, InjectQueue, SharingPanel, StateDetailView, UsMap};

/// Draws the console into a frame.
pub fn render(c: &Console, frame: &mut Frame) {
    let area = frame.area();
    draw(c, area, frame.buffer_mut());
}

/// Draws the console into a buffer area.
pub fn draw(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    if too_small_for(area) {
        too_small(t, "ttx console", "quit", area, buf);
        if matches!(c.overlay(), Some(Overlay::ConfirmQuit)) {
            confirm_quit(c, area, buf);
        }
        return;
    }
    let [header, body, footer] = frame(area);
    draw_header(c, header, buf);
    draw_body(c, body, buf);
    draw_footer(c, footer, buf);
    match c.overlay() {
        None => {}
        Some(Overlay::Help { scroll }) => help(t, body, *scroll, |w| help_lines(t, w), buf),
        Some(Overlay::ConfirmQuit) => confirm_quit(c, body, buf),
        Some(Overlay::ConfirmSkip(id)) => confirm_skip(c, id, body, buf),
        Some(Overlay::Preview { id, lines, scroll }) => preview(c, id, lines, *scroll, body, buf),
        Some(Overlay::StateDetail { detail, scroll }) => {
            let r = centered(body, body.width.saturating_sub(6), body.height.saturating_sub(2));
            let inner = popup(t, &format!(" {} ({}) ", detail.name, detail.postal), r, buf);
            StateDetailView::new(detail, t).scroll(*scroll).render(inner, buf);
        }
        Some(Overlay::Palette(form)) => {
            let r = centered(body, body.width.saturating_sub(4).min(110), body.height);
            let inner = popup(t, " Act for a team: commands go in as the facilitator ", r, buf);
            CommandFormView::new(form, t).results(c.results(), c.sim().registry().clock).render(inner, buf);
        }
        Some(Overlay::Discussion(_)) => discussion(c, body, buf),
        Some(Overlay::Teams { scroll }) => teams(c, *scroll, body, buf),
        Some(Overlay::Approvals { selected, reason }) => {
            approvals(c, *selected, reason.as_ref().map(|r| r.shown()), body, buf)
        }
        Some(Overlay::Whatif { lines, scroll }) => whatif(c, lines, *scroll, body, buf),
        Some(Overlay::Bookmark(text)) => crate::console::draw_bookmark(c, text, body, buf),
        Some(Overlay::Messages(w)) => crate::console::draw_messages(c, w, body, buf),
        Some(Overlay::Notes(w)) => crate::console::draw_notes(c, w, body, buf),
        Some(Overlay::Correction(k)) => crate::console::draw_correction(c, k, body, buf),
    }
}

/// The what-if results: the decisions so far, ranked by effect, with intervals.
fn whatif(c: &Console, lines: &[String], scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(4).min(110), area.height);
    let inner = popup(t, " What the decisions changed (ttx whatif, the session so far) ", r, buf);
    let w = usize::from(inner.width);
    let mut out: Vec<Line> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let style = if i == 0 || l.trim_start().chars().next().is_some_and(|ch| ch.is_ascii_digit()) {
            t.title()
        } else {
            t.text()
        };
        out.extend(wrap(l, w).into_iter().map(|x| Line::styled(x, style)));
    }
    Paragraph::new(out).scroll((scroll, 0)).render(inner, buf);
}

/// The teams, their join codes and consoles connected (hosted consoles).
fn teams(c: &Console, scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(6).min(96), area.height);
    let inner = popup(t, " Teams and join codes (read each team its own) ", r, buf);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(h) = c.host() {
        lines.push(Line::styled(format!("Consoles connect to {}", h.address), t.title()));
        lines.push(Line::styled(
            format!("A team joins with:  ttx join {} --team ID --code CODE", h.address),
            t.dim(),
        ));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("  {:<10} {:<34} {:<16} {}", "team", "name", "code", "consoles"),
            t.dim(),
        ));
        for j in &h.codes {
            let (id, n) = match &j.team {
                _ if j.observer => ("(room)".to_string(), 0),
                Some(id) => (id.clone(), h.consoles(id)),
                None => ("(control)".to_string(), h.status.facilitators),
            };
            let style = if n > 0 { t.good() } else { t.text() };
            let n = if j.observer { "-".to_string() } else { n.to_string() };
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<10} ", id), t.key()),
                Span::styled(format!("{:<34} ", truncate(&j.name, 34)), t.text()),
                Span::styled(format!("{:<16} ", j.code), t.title()),
                Span::styled(n, style),
            ]));
        }
    }
    let max = (lines.len() as u16).saturating_sub(inner.height);
    Paragraph::new(lines).scroll((scroll.min(max), 0)).render(inner, buf);
}

/// Player-made injects waiting for the facilitator (hosted consoles).
fn approvals(c: &Console, selected: usize, reason: Option<String>, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(6).min(100), area.height);
    let inner = popup(t, " Injects waiting for approval (y approves, n denies) ", r, buf);
    let pending = c.held();
    let mut lines: Vec<Line> = Vec::new();
    if pending.is_empty() {
        lines.push(Line::styled("No player-made inject is waiting.", t.dim()));
        lines.push(Line::raw(
            "With ttx serve --approve-injects, injects made by the red and white cells wait here.",
        ));
    }
    let w = usize::from(inner.width);
    for (i, (p, _)) in pending.iter().enumerate() {
        let style = if i == selected { t.selected() } else { t.text() };
        lines.push(Line::styled(fit(&format!(" #{:<4} {:<8} {}", p.pending, p.team, p.summary), w), style));
    }
    // What the selected one would do if approved now.
    let preview: Vec<Line> = match pending.get(selected) {
        Some((p, preview)) if !preview.is_empty() => {
            let mut out = vec![Line::styled(format!("If approved now (#{}):", p.pending), t.title())];
            for (k, l) in preview.iter().enumerate() {
                let text = if k == 0 { l.clone() } else { format!("- {l}") };
                out.extend(wrap(&text, w).into_iter().map(|x| Line::styled(x, t.text())));
            }
            out
        }
        _ => Vec::new(),
    };
    let inner = match reason {
        Some(r) if inner.height >= 4 => {
            let [list, field] = Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(inner);
            let number = pending.get(selected).map_or(0, |(p, _)| p.pending);
            let block = Block::bordered().border_style(t.focus_border()).title(Span::styled(
                format!(" Why is #{number} denied? The cell is told (Enter denies, Esc keeps it) "),
                t.title(),
            ));
            let fi = block.inner(field);
            block.render(field, buf);
            let text = r;
            let w = usize::from(fi.width);
            // The end of a long reason stays in view.
            let skip = crate::text::width(&text).saturating_sub(w);
            put(buf, fi.x, fi.y, &text.chars().skip(skip).collect::<String>(), w, Style::new());
            list
        }
        _ => inner,
    };
    // The list on top (at most half the window when a preview is shown), the preview below.
    let list_h =
        if preview.is_empty() { inner.height } else { (lines.len() as u16).min(inner.height / 2).max(1) };
    let [list, below] = Layout::vertical([Constraint::Length(list_h), Constraint::Fill(1)]).areas(inner);
    let top = (selected as u16).saturating_sub(list.height.saturating_sub(1));
    Paragraph::new(lines).scroll((top, 0)).render(list, buf);
    if below.height > 1 {
        let area = Rect::new(below.x, below.y + 1, below.width, below.height - 1);
        Paragraph::new(preview).render(area, buf);
    }
}

fn draw_header(c: &Console, area: Rect, buf: &mut Buffer) {
    let v = c.view();
    let state = if v.finished {
        "ENDED"
    } else if c.is_running() {
        "RUNNING"
    } else {
        "PAUSED"
    };
    let mut right = vec![
        Segment::bold(format!(" {} ", c.clock())),
        Segment::plain(format!("| {} real ", hms(c.elapsed().as_secs()))),
        Segment::bold(format!("| {state} ")),
        Segment::plain(format!("{} ", c.speed_label())),
    ];
    if let Some(h) = c.host() {
        let online = h.online();
        let noun = if online == 1 { "console" } else { "consoles" };
        right.push(Segment::plain(format!("| {online} {noun} ")));
        if !h.status.pending.is_empty() {
            right.push(Segment::bold(format!("| {} to approve ", h.status.pending.len())));
        }
    }
    let waiting = c.waiting().len();
    if waiting > 0 {
        right.push(Segment::plain(format!("| {waiting} queued ")));
    }
    let module =
        v.module.as_ref().map(|m| format!("{} ({}/{})", m.title, m.index + 1, m.count)).unwrap_or_default();
    let title = Title { parts: &[&v.scenario, &module], short: &[&module, &v.scenario], bold: false };
    header(c.theme(), &title, &right, area, buf);
}

fn draw_footer(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    if let Some(e) = c.journal_error() {
        put(buf, area.x, area.y, &format!(" JOURNAL NOT WRITTEN: {e}"), usize::from(area.width), t.error());
        return;
    }
    status_or_hints(t, c.status(), BINDINGS, &c.contexts(), area, buf);
}

fn draw_body(c: &Console, area: Rect, buf: &mut Buffer) {
    let large = area.width >= 120 && area.height >= 32;
    // Map tiles two rows high (with the legend) need 19 rows; otherwise one row each.
    let top_h = if area.height >= 38 { 19 } else { 11 };
    let [top, bottom] = Layout::vertical([Constraint::Length(top_h), Constraint::Fill(1)]).areas(area);
    let map_w = match (large, area.width) {
        (true, w) if w >= 190 => 79,
        (true, w) if w >= 150 => 57,
        (true, _) => 46,
        (false, w) => (w * 44 / 100).clamp(35, 79),
    };
    let (map_area, detail_area, sharing_area) = if large {
        let [m, d, s] = Layout::horizontal([
            Constraint::Length(map_w),
            Constraint::Fill(1),
            Constraint::Length((area.width * 32 / 100).max(46)),
        ])
        .areas(top);
        (m, Some(d), s)
    } else {
        let [m, s] = Layout::horizontal([Constraint::Length(map_w), Constraint::Fill(1)]).areas(top);
        (m, None, s)
    };
    // On small screens the inject queue takes a bigger share than the map, so titles show.
    let inj_w = if large { map_w } else { map_w.max(area.width * 55 / 100) };
    let [inj_area, log_area] =
        Layout::horizontal([Constraint::Length(inj_w), Constraint::Fill(1)]).areas(bottom);
    draw_map(c, map_area, buf);
    if let Some(d) = detail_area {
        draw_detail_panel(c, d, buf);
    }
    draw_sharing(c, sharing_area, buf);
    draw_injects(c, inj_area, buf);
    draw_log(c, log_area, buf);
}

fn draw_map(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let states = &c.view().states;
    let sel = states.get(c.map_selection());
    let title = match sel {
        Some(s) => {
            format!(" Map 1: {} is {}{} ", s.name, status_marker(s.worst).to_string().trim(), s.worst.label())
        }
        None => " Map 1 ".to_string(),
    };
    let block =
        panel(t, truncate(&title, usize::from(area.width.saturating_sub(2))), c.focus() == Panel::Map);
    let inner = block.inner(area);
    block.render(area, buf);
    UsMap::new(states, t).selected(sel.map(|s| s.postal.as_str())).render(inner, buf);
}

fn draw_detail_panel(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let states = &c.view().states;
    let Some(s) = states.get(c.map_selection()) else { return };
    let block = panel(t, format!(" {} (Enter on the map for all) ", s.postal), false);
    let inner = block.inner(area);
    block.render(area, buf);
    if let Some(d) = c.sim().state_detail(&s.postal) {
        StateDetailView::new(&d, t).render(inner, buf);
    }
}

fn draw_sharing(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let block = panel(t, " Information sharing ".to_string(), false);
    let inner = block.inner(area);
    block.render(area, buf);
    let n = c.measures().len() as u16;
    // Up to three lines of totals under the measures, when there is room.
    let extra = inner.height.saturating_sub(n).min(3);
    let [m_area, x_area] =
        Layout::vertical([Constraint::Length(inner.height - extra), Constraint::Length(extra)]).areas(inner);
    SharingPanel::new(c.measures(), t).render(m_area, buf);
    let m = &c.view().metrics;
    let eo = &c.view().eo;
    let assessment = match (&eo.assessment_at, eo.named.is_empty()) {
        (Some(at), false) => format!("delivered {at}, names {}", eo.named.join(", ")),
        (Some(at), true) => format!("delivered {at}, names no one"),
        (None, _) => format!("due {}", eo.assessment_due),
    };
    let lines = [
        format!(
            "intrusions {} tried / {} in / {} blocked",
            m.intrusions_attempted, m.intrusions_succeeded, m.intrusions_blocked
        ),
        format!(
            "voters affected {} / results down {} h",
            thousands(i64::try_from(m.voters_affected).unwrap_or(i64::MAX)),
            m.results_downtime_h
        ),
        format!("EO 13848 assessment {assessment}"),
    ];
    // The lines wrap at words while there is room, the last one cut with an ellipsis.
    let w = usize::from(x_area.width);
    let rows: Vec<String> = lines.iter().flat_map(|l| wrap(l, w)).collect();
    let h = usize::from(x_area.height);
    let shown: Vec<String> =
        if rows.len() <= h { rows } else { lines.iter().take(h).map(|l| truncate(l, w)).collect() };
    for (i, l) in shown.iter().enumerate() {
        put(buf, x_area.x, x_area.y + i as u16, l, w, t.dim());
    }
}

fn draw_injects(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let upcoming = c.queue().iter().filter(|i| crate::widgets::injects::is_upcoming(i)).count();
    let block = panel(t, format!(" Injects 2: {upcoming} to come "), c.focus() == Panel::Injects);
    let inner = block.inner(area);
    block.render(area, buf);
    let marks = c.inject_marks();
    let sel = (c.focus() == Panel::Injects).then_some(c.inject_selection());
    InjectQueue::new(c.queue(), t)
        .selected(sel.or(Some(c.inject_selection())))
        .marks(&marks)
        .render(inner, buf);
}

fn draw_log(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let scroll = if c.log_scroll() > 0 { format!(" +{} newer ", c.log_scroll()) } else { String::new() };
    let block = panel(t, format!(" Log 3: {}{scroll} ", c.log_filter().describe()), c.focus() == Panel::Log);
    let inner = block.inner(area);
    block.render(area, buf);
    EventLog::new(c.log(), c.log_filter(), t).scroll(c.log_scroll()).render(inner, buf);
}

/// Every line of the help screen, for a width.
pub fn help_lines(t: Theme, w: u16) -> Vec<Line<'static>> {
    let intro = format!(
        "Speeds: {}. Commands and inject actions apply at the next simulated hour. \
         At each module break the clock pauses for discussion.",
        SPEEDS.iter().map(|s| s.1).collect::<Vec<_>>().join(", ")
    );
    let mut out = help_intro(t, "Every key of the facilitator console", &intro, w);
    let order = [
        Context::Main,
        Context::Map,
        Context::Injects,
        Context::Log,
        Context::Preview,
        Context::Detail,
        Context::Palette,
        Context::Picker,
        Context::Discussion,
        Context::Confirm,
        Context::Teams,
        Context::Approvals,
        Context::Whatif,
        Context::DenyReason,
        Context::Bookmark,
        Context::Messages,
        Context::Compose,
        Context::Help,
        Context::Always,
    ];
    for ctx in order {
        let typing = ctx.takes_text().then_some(match ctx {
            Context::Discussion => "type the note",
            Context::DenyReason => "type the reason",
            Context::Bookmark => "type the bookmark",
            Context::Compose => "type the message",
            _ => "type text, or narrow a list",
        });
        out.extend(help_section(t, BINDINGS, ctx, ctx.title(), typing, w));
    }
    out
}

fn confirm_quit(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let mut lines = vec![Line::styled("Quit the exercise?", t.title())];
    match c.journal_path() {
        Some(p) => lines.push(Line::raw(format!("The journal is saved at {p}"))),
        None => lines.push(Line::raw("The journal is saved.")),
    }
    let n = c.waiting().len();
    if n > 0 {
        lines.push(Line::styled(
            format!("{n} queued command{} will be dropped (not applied yet).", if n == 1 { "" } else { "s" }),
            t.warn(),
        ));
    }
    confirm(t, " Quit ", lines, "quit", area, buf);
}

fn confirm_skip(c: &Console, id: &str, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let title = c.queue().iter().find(|i| i.id == id).map(|i| i.title.clone()).unwrap_or_default();
    let lines = vec![
        Line::styled(format!("Skip inject {id}? (s again takes it back)"), t.title()),
        Line::raw(truncate(&title, 70)),
        Line::raw("It will not fire, now or later."),
        Line::from(vec![
            Span::styled("y", t.key()),
            Span::raw(" skip   "),
            Span::styled("n", t.key()),
            Span::raw(" keep"),
        ]),
    ];
    let w = lines.iter().map(|l| l.width() as u16).max().unwrap_or(20) + 4;
    let r = centered(area, w, lines.len() as u16 + 2);
    let inner = popup(t, " Skip ", r, buf);
    Paragraph::new(lines).render(inner, buf);
}

fn preview(c: &Console, id: &str, lines: &[String], scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(6).min(100), area.height);
    let inner = popup(t, " Preview: what it would do, without doing it ", r, buf);
    let w = usize::from(inner.width);
    let mut out: Vec<Line> = Vec::new();
    let inj = c.view().injects.iter().find(|i| i.id == id);
    if let Some(i) = inj {
        out.push(Line::styled(i.title.clone(), t.title()));
        let when = match (&i.fired_at, &i.due) {
            (Some(f), _) => format!("fired at {f}"),
            (None, Some(d)) if !i.trigger.starts_with("at ") => format!("{}; due {d}", i.trigger),
            _ => i.trigger.clone(),
        };
        out.push(Line::styled(format!("{} | {} | state: {}", i.id, when, i.state), t.dim()));
        if !i.description.is_empty() {
            out.push(Line::raw(""));
            out.push(Line::styled("The players are told:", t.title()));
            out.extend(wrap(&i.description, w).into_iter().map(Line::raw));
        }
        for (team, text) in &i.per_team {
            out.push(Line::raw(""));
            out.push(Line::styled(format!("Team {team} is told instead:"), t.title()));
            out.extend(wrap(text, w).into_iter().map(Line::raw));
        }
        if let Some(c) = &i.cancel_if {
            out.push(Line::raw(""));
            out.push(Line::styled(format!("Cancelled {c}"), t.dim()));
        }
        for (path, text) in &i.attachments {
            out.push(Line::raw(""));
            out.push(Line::styled(format!("Attachment {path}:"), t.title()));
            for l in text.lines() {
                out.extend(wrap(l, w).into_iter().map(Line::raw));
            }
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Effects if fired now:", t.title()));
    for l in lines.iter().skip(1) {
        out.extend(wrap(&format!("- {l}"), w).into_iter().map(Line::raw));
    }
    if let Some(i) = inj
        && !i.expected_actions.is_empty()
    {
        out.push(Line::raw(""));
        out.push(Line::styled("Expected actions:", t.title()));
        for a in &i.expected_actions {
            out.extend(wrap(&format!("- {a}"), w).into_iter().map(Line::raw));
        }
    }
    out.push(Line::raw(""));
    out.push(Line::from(vec![
        Span::styled("f", t.key()),
        Span::raw(" fires it at the next hour   "),
        Span::styled("Esc", t.key()),
        Span::raw(" closes"),
    ]));
    Paragraph::new(out).scroll((scroll, 0)).render(inner, buf);
}

fn discussion(c: &Console, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let Some(Overlay::Discussion(d)) = c.overlay() else { return };
    let inner = popup(t, &format!(" Discussion: {} ", d.title), area, buf);
    let w = usize::from(inner.width);
    let editor_h = 4u16.min(inner.height / 3);
    let [top, editor] = Layout::vertical([Constraint::Fill(1), Constraint::Length(editor_h)]).areas(inner);
    let mut lines: Vec<Line> =
        wrap(&format!("Clock paused at {}: {}. Notes go into the journal.", c.clock(), d.reason), w)
            .into_iter()
            .map(|l| Line::styled(l, t.dim()))
            .collect();
    for o in &d.objectives {
        for (k, l) in wrap(&format!("Objective: {o}"), w).into_iter().enumerate() {
            lines.push(Line::styled(if k == 0 { l } else { format!("  {l}") }, t.dim()));
        }
    }
    let count = |q: Option<usize>| {
        c.notes().iter().filter(|n| !n.deleted && n.module == d.module && n.question == q).count()
    };
    let mut selected_line = 0usize;
    for (i, q) in d.questions.iter().enumerate() {
        let n = count(Some(i));
        let mark = if i == d.selected { "> " } else { "  " };
        let suffix =
            if n > 0 { format!(" [{n} note{}]", if n == 1 { "" } else { "s" }) } else { String::new() };
        let style = if i == d.selected { t.selected() } else { t.text() };
        for (k, l) in wrap(&format!("{}. {q}{suffix}", i + 1), w.saturating_sub(5)).into_iter().enumerate() {
            if k == 0 && i == d.selected {
                selected_line = lines.len();
            }
            let l = if k == 0 { format!("{mark}{l}") } else { format!("     {l}") };
            lines.push(Line::styled(l, style));
        }
    }
    let g = d.questions.len();
    let n = count(None);
    let general = format!(
        "{}General note{}",
        if d.selected == g { "> " } else { "  " },
        if n > 0 { format!(" [{n}]") } else { String::new() }
    );
    if d.selected == g {
        selected_line = lines.len();
    }
    lines.push(Line::styled(general, if d.selected == g { t.selected() } else { t.text() }));
    for (i, kind) in crate::console::HOT_WASH.iter().enumerate() {
        let at = g + 1 + i;
        if d.selected == at {
            selected_line = lines.len();
        }
        let mark = if d.selected == at { "> " } else { "  " };
        let style = if d.selected == at { t.selected() } else { t.text() };
        lines.push(Line::styled(
            format!("{mark}Hot wash for the room: {}", kind.heading().to_lowercase()),
            style,
        ));
    }
    let q = (d.selected < g).then_some(d.selected);
    let saved: Vec<_> = c
        .notes()
        .iter()
        .filter(|x| !x.deleted && d.hot_wash().is_none() && x.module == d.module && x.question == q)
        .collect();
    if !saved.is_empty() {
        lines.push(Line::styled("Saved notes on this question:", t.title()));
        for s in saved {
            for l in wrap(&format!("{}  {}", s.time, s.text), w.saturating_sub(2)) {
                lines.push(Line::raw(format!("  {l}")));
            }
        }
    }
    let h = usize::from(top.height);
    let scroll = if selected_line + 2 > h { (selected_line + 2 - h) as u16 } else { 0 };
    Paragraph::new(lines).scroll((scroll, 0)).render(top, buf);
    // The note editor.
    if editor.height >= 2 {
        let label = match (q, d.hot_wash()) {
            (_, Some(kind)) => format!(" Hot wash: {} (Enter saves) ", kind.heading().to_lowercase()),
            (Some(i), None) => format!(" Note on question {} (Enter saves) ", i + 1),
            (None, None) => " General note (Enter saves) ".to_string(),
        };
        let block = Block::bordered().border_style(t.focus_border()).title(Span::styled(label, t.title()));
        let ei = block.inner(editor);
        block.render(editor, buf);
        let mut draft: String = d.drafts[d.selected].clone();
        let at = draft.char_indices().nth(d.cursors[d.selected]).map_or(draft.len(), |(b, _)| b);
        draft.insert(at, '_');
        let rows = wrap(&draft, usize::from(ei.width));
        let first = rows.len().saturating_sub(usize::from(ei.height));
        for (i, r) in rows.into_iter().skip(first).enumerate() {
            buf.set_string(ei.x, ei.y + i as u16, r, Style::new());
        }
    }
}
