//! The facilitator console's bookmarks (both `ttx play` and `ttx serve`) and its messages
//! window (`ttx serve`): every message between the cells and control, and answers written as
//! any simulated organisation.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use ttx_engine::model::registry::ActorKind;
use ttx_engine::talk::{MAX_SIGNATURE, Message, MessageChannel, Party, check_text};
use ttx_protocol::{ClientMsg, Control};

use super::{Console, Level, Overlay, Session};
use crate::chrome::{centered, popup};
use crate::input::TextInput;
use crate::keys::{Action, Common};
use crate::text::{truncate, wrap};

/// The name control signs with when it speaks as itself.
pub const CONTROL_NAME: &str = "Exercise control";

/// How many messages `PgUp` and `PgDn` move.
const PAGE: usize = 5;

/// The longest bookmark, in characters.
pub const MAX_BOOKMARK: usize = 2 * MAX_SIGNATURE;

/// The messages window: the list, and a message being written.
#[derive(Clone, Debug, PartialEq)]
pub struct MessagesWindow {
    /// The message selected, counted from the newest.
    pub selected: usize,
    /// A message being written.
    pub compose: Option<Compose>,
}

/// A message control is writing.
#[derive(Clone, Debug, PartialEq)]
pub struct Compose {
    /// The addressee: an index into the scenario's teams.
    pub to: usize,
    /// Who it is from: an index into [`Console::organisations`].
    pub from: usize,
    /// The channel: an index into [`MessageChannel::ALL`].
    pub channel: usize,
    /// The field `Left` and `Right` act on: 0 to, 1 from, 2 channel (change it), 3 the text
    /// (move the cursor). Typing always goes to the text, and brings the focus there.
    pub field: usize,
    /// The text.
    pub text: TextInput,
}

/// The compose window's field that holds the text.
const TEXT_FIELD: usize = 3;

impl Console {
    /// The organisations control may sign as: itself, then the scenario's organisations that
    /// are neither election offices, the public, nor the adversary.
    pub fn organisations(&self) -> Vec<String> {
        let mut out = vec![CONTROL_NAME.to_string()];
        for a in &self.sim().registry().actors {
            let plain = !matches!(
                a.kind,
                ActorKind::Local | ActorKind::StateOffice | ActorKind::Public | ActorKind::Adversary
            );
            if plain && !out.contains(&a.name) {
                out.push(a.name.clone());
            }
        }
        out
    }

    /// Every message of the session the console has heard of, oldest first (`ttx serve`).
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The server delivered a message (or the console starts with a resumed session's).
    pub(super) fn message_arrived(&mut self, m: Message) {
        if self.messages.iter().any(|x| x.number == m.number) {
            return;
        }
        if m.from != Party::Control {
            let to = m.to.to_string();
            self.set_status(Level::Warn, format!("Message from {} to {to}: press t to read it.", m.sender()));
        }
        self.messages.push(m);
    }

    pub(super) fn open_bookmark(&mut self) {
        self.overlay = Some(Overlay::Bookmark(TextInput::default()));
    }

    pub(super) fn update_bookmark(&mut self, mut input: TextInput, action: Action) {
        match action {
            Action::Common(Common::Close) => return,
            Action::Input(c) => input.insert(c, MAX_BOOKMARK),
            Action::Common(Common::Backspace) => input.backspace(),
            Action::Common(Common::Left) => input.left(),
            Action::Common(Common::Right) => input.right(),
            Action::Common(Common::Submit) => {
                let text = input.text.trim().to_string();
                if text.is_empty() {
                    self.set_status(Level::Warn, "Type a word or phrase for the bookmark, or Esc.");
                    self.overlay = Some(Overlay::Bookmark(input));
                    return;
                }
                let action = Control::Bookmark { text: text.clone() };
                self.session.journal(ClientMsg::Control { id: 0, action }, None);
                self.set_status(Level::Info, format!("Bookmarked {}: {text}", self.clock()));
                return;
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Bookmark(input));
    }

    pub(super) fn open_messages(&mut self) {
        self.overlay = Some(Overlay::Messages(Box::new(MessagesWindow { selected: 0, compose: None })));
    }

    /// Who a message written here may come from: control signing as itself or as an
    /// organisation ([`Console::organisations`]); in `ttx play`, where the room talks at one
    /// table, any team too. Each with its label.
    pub fn senders(&self) -> Vec<(Party, Option<String>, String)> {
        let mut out: Vec<(Party, Option<String>, String)> =
            self.organisations().into_iter().map(|o| (Party::Control, Some(o.clone()), o)).collect();
        if self.session.hosted().is_none() {
            // In `ttx play` the room talks at one table: the facilitator records any team's.
            for t in &self.sim().registry().teams {
                out.push((Party::Team(t.id.clone()), None, format!("{} ({})", t.name, t.id)));
            }
        }
        out
    }

    /// Who a message written here may go to: a team; in `ttx play`, exercise control too.
    pub fn recipients(&self) -> Vec<(Party, String)> {
        let mut out: Vec<(Party, String)> = self
            .sim()
            .registry()
            .teams
            .iter()
            .map(|t| (Party::Team(t.id.clone()), format!("{} ({})", t.name, t.id)))
            .collect();
        if self.session.hosted().is_none() {
            out.push((Party::Control, CONTROL_NAME.to_string()));
        }
        out
    }

    /// A new message, answering the one selected when `answer`: to its sending team, signed as
    /// the organisation it was sent to when control was its addressee's stand-in.
    fn compose(&self, w: &MessagesWindow, answer: bool) -> Option<Compose> {
        let recipients = self.recipients();
        if recipients.is_empty() {
            return None;
        }
        let mut c = Compose { to: 0, from: 0, channel: 0, field: 0, text: TextInput::default() };
        if answer {
            let m = self.messages.iter().rev().nth(w.selected)?;
            // To whoever sent it, from whoever it was for (control signs as itself).
            let to = if m.from == Party::Control { m.to.clone() } else { m.from.clone() };
            c.to = recipients.iter().position(|(p, _)| *p == to).unwrap_or(0);
            if let Party::Team(_) = &m.to
                && m.from != Party::Control
            {
                c.from = self.senders().iter().position(|(p, _, _)| *p == m.to).unwrap_or(0);
            }
            c.channel = MessageChannel::ALL.iter().position(|x| *x == m.channel).unwrap_or(0);
        }
        Some(c)
    }

    pub(super) fn update_messages(&mut self, mut w: Box<MessagesWindow>, action: Action) {
        match w.compose.take() {
            Some(c) => w.compose = self.update_compose(c, action),
            None => match action {
                Action::Common(Common::Close) => return,
                Action::Common(Common::Up) => w.selected = w.selected.saturating_sub(1),
                Action::Common(Common::Down) => {
                    w.selected = (w.selected + 1).min(self.messages.len().saturating_sub(1))
                }
                Action::Common(Common::PageUp) => w.selected = w.selected.saturating_sub(PAGE),
                Action::Common(Common::PageDown) => {
                    w.selected = (w.selected + PAGE).min(self.messages.len().saturating_sub(1))
                }
                Action::Common(Common::Home) => w.selected = 0,
                Action::Common(Common::End) => w.selected = self.messages.len().saturating_sub(1),
                Action::Answer | Action::NewMessage => {
                    w.compose = self.compose(&w, action == Action::Answer);
                    if w.compose.is_none() {
                        self.set_status(Level::Warn, "No message selected to answer.");
                    }
                }
                _ => {}
            },
        }
        self.overlay = Some(Overlay::Messages(w));
    }

    fn update_compose(&mut self, mut c: Compose, action: Action) -> Option<Compose> {
        let sizes = [self.recipients().len(), self.senders().len(), MessageChannel::ALL.len()];
        match action {
            Action::Common(Common::Close) => return None,
            Action::Common(Common::NextField) => c.field = (c.field + 1) % (TEXT_FIELD + 1),
            Action::Common(Common::PrevField) => c.field = (c.field + TEXT_FIELD) % (TEXT_FIELD + 1),
            Action::Common(Common::Left) if c.field == TEXT_FIELD => c.text.left(),
            Action::Common(Common::Right) if c.field == TEXT_FIELD => c.text.right(),
            Action::Common(Common::Left) | Action::Common(Common::Right) => {
                let n = sizes[c.field.min(2)].max(1);
                let slot = match c.field {
                    0 => &mut c.to,
                    1 => &mut c.from,
                    _ => &mut c.channel,
                };
                *slot = if action == Action::Common(Common::Right) {
                    (*slot + 1) % n
                } else {
                    (*slot + n - 1) % n
                };
            }
            Action::Input(ch) => {
                c.text.insert(ch, ttx_engine::talk::MAX_TEXT);
                c.field = TEXT_FIELD;
            }
            Action::Common(Common::Backspace) => c.text.backspace(),
            Action::Common(Common::Submit) => {
                if c.text.text.trim().is_empty() {
                    self.set_status(Level::Warn, "Type the message, then Enter.");
                    return Some(c);
                }
                let (to, _) = self.recipients().get(c.to)?.clone();
                let (from, signed, _) = self.senders().get(c.from)?.clone();
                let channel = MessageChannel::ALL[c.channel % MessageChannel::ALL.len()];
                let text = c.text.text.trim().to_string();
                if let Some(h) = self.session.hosted_mut() {
                    h.send(|id| ClientMsg::Message { id, to, channel, text, signed });
                    return None;
                }
                if from == to {
                    self.set_status(
                        Level::Warn,
                        "A message goes from one party to another: change To or From.",
                    );
                    return Some(c);
                }
                let signed = signed.filter(|_| from == Party::Control);
                if let Err(why) = check_text(&text, signed.as_deref()) {
                    self.set_status(Level::Warn, format!("Not saved: {why}."));
                    return Some(c);
                }
                let m = Message {
                    number: self.messages.iter().map(|m| m.number).max().unwrap_or(0) + 1,
                    tick: self.sim().now().0,
                    time: self.clock().to_string(),
                    from,
                    to,
                    channel,
                    signed,
                    text,
                };
                self.set_status(Level::Info, format!("Message #{} saved to the journal.", m.number));
                if let Session::Local(l) = &mut self.session {
                    l.record_message(m.clone());
                }
                self.messages.push(m);
                return None;
            }
            _ => {}
        }
        Some(c)
    }
}

/// Draws the bookmark prompt.
pub fn draw_bookmark(c: &Console, input: &TextInput, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(4).min(72), 6);
    let inner = popup(t, " Bookmark this moment (for the after-action report) ", r, buf);
    let lines = vec![
        Line::styled(format!("At {}: a word or phrase, then Enter (Esc: none).", c.clock()), t.dim()),
        Line::raw(""),
        Line::from(vec![Span::styled(input.shown(), t.text())]),
    ];
    Paragraph::new(lines).wrap(Wrap { trim: false }).render(inner, buf);
}

/// Draws the messages window: the newest first, then the message being written.
pub fn draw_messages(c: &Console, w: &MessagesWindow, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(4).min(110), area.height);
    let inner = popup(t, " Messages between the teams and control ", r, buf);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(m) = &w.compose {
        let to = c.recipients();
        let from = c.senders();
        let fields = [
            ("To", to.get(m.to).map_or("?".to_string(), |x| x.1.clone())),
            ("From", from.get(m.from).map_or("?".to_string(), |x| x.2.clone())),
            ("By", MessageChannel::ALL[m.channel % MessageChannel::ALL.len()].label().to_string()),
        ];
        for (i, (label, value)) in fields.iter().enumerate() {
            let style = if i == m.field { t.key() } else { t.text() };
            lines.push(Line::from(vec![
                Span::styled(format!("{label:>5}: "), t.dim()),
                Span::styled(format!("< {value} >"), style),
            ]));
        }
        let style = if m.field == TEXT_FIELD { t.key() } else { t.dim() };
        lines.push(Line::styled("Text (type; Enter sends, Esc drops it):", style));
        for l in wrap(&m.text.shown(), width.saturating_sub(2)) {
            lines.push(Line::styled(format!("  {l}"), t.text()));
        }
        lines.push(Line::raw(""));
    }
    if c.messages().is_empty() {
        let hint =
            if c.host().is_some() { "n: write one to a team." } else { "n: record one the room sent." };
        lines.push(Line::styled(format!("No messages yet. {hint}"), t.dim()));
    }
    // The list scrolls to keep the selected message in sight; the lines above and below it
    // that do not fit are counted.
    let fixed = lines.len();
    let mut list: Vec<Line> = Vec::new();
    let mut selected = (0, 0);
    let n = c.messages().len();
    for (i, m) in c.messages().iter().rev().enumerate() {
        let head = format!("#{} {} {} → {} ({})", m.number, m.time, m.sender(), m.to, m.channel.label());
        let style = if i == w.selected && w.compose.is_none() { t.key() } else { t.title() };
        let start = list.len();
        list.push(Line::styled(truncate(&head, width), style));
        for l in wrap(&m.text, width.saturating_sub(2)) {
            list.push(Line::styled(format!("  {l}"), t.text()));
        }
        if i == w.selected {
            selected = (start, list.len());
        }
    }
    let room = usize::from(inner.height).saturating_sub(fixed);
    if list.len() > room && room >= 3 {
        // One line for "more above", one for "more below".
        let body = room - 2;
        let first = if selected.1 > body { (selected.1 - body).min(selected.0) } else { 0 };
        let last = (first + body).min(list.len());
        let above = first;
        let below = list.len() - last;
        lines.push(Line::styled(
            if above > 0 {
                format!("↑ {above} lines above (Up, PgUp, Home) · message {} of {n}", w.selected + 1)
            } else {
                format!("message {} of {n}, newest first", w.selected + 1)
            },
            t.dim(),
        ));
        lines.extend(list.into_iter().skip(first).take(last - first));
        lines.push(Line::styled(
            if below > 0 { format!("↓ {below} lines below (Down, PgDn, End)") } else { String::new() },
            t.dim(),
        ));
    } else {
        lines.extend(list);
    }
    Paragraph::new(lines).render(inner, buf);
}
