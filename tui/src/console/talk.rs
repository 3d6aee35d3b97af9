//! The facilitator console's bookmarks (both `ttx play` and `ttx serve`) and its messages
//! window (`ttx serve`): every message between the cells and control, and answers written as
//! any simulated organisation.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};
use ttx_engine::journal::Record;
use ttx_engine::model::registry::ActorKind;
use ttx_engine::talk::{MAX_SIGNATURE, Message, MessageChannel, Party};

use super::{Console, HostRequest, Level, Overlay};
use crate::chrome::{centered, popup};
use crate::keys::Action;
use crate::text::{truncate, wrap};

/// The name control signs with when it speaks as itself.
pub const CONTROL_NAME: &str = "Exercise control";

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
    /// The field being changed: 0 to, 1 from, 2 channel (typing always goes to the text).
    pub field: usize,
    /// The text.
    pub text: String,
}

impl Console {
    /// The organisations control may sign as: itself, then the scenario's organisations that
    /// are neither election offices, the public, nor the adversary.
    pub fn organisations(&self) -> Vec<String> {
        let mut out = vec![CONTROL_NAME.to_string()];
        for a in &self.sim.registry().actors {
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
    pub fn message_arrived(&mut self, m: Message) {
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
        self.overlay = Some(Overlay::Bookmark(String::new()));
    }

    pub(super) fn update_bookmark(&mut self, mut text: String, action: Action) {
        match action {
            Action::Close => return,
            Action::Input(c) if text.chars().count() < MAX_BOOKMARK => text.push(c),
            Action::Backspace => {
                text.pop();
            }
            Action::Submit => {
                let text = text.trim().to_string();
                if text.is_empty() {
                    self.set_status(Level::Warn, "Type a word or phrase for the bookmark, or Esc.");
                    self.overlay = Some(Overlay::Bookmark(text));
                    return;
                }
                if self.host.is_some() {
                    self.requests.push(HostRequest::Bookmark(text.clone()));
                } else {
                    self.outbox.push(Record::Bookmark {
                        tick: self.sim.now().0,
                        time: self.clock().to_string(),
                        text: text.clone(),
                    });
                }
                self.set_status(Level::Info, format!("Bookmarked {}: {text}", self.clock()));
                return;
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Bookmark(text));
    }

    pub(super) fn open_messages(&mut self) {
        if self.host.is_none() {
            self.set_status(Level::Warn, "Messages go between the consoles of a served session (ttx serve).");
            return;
        }
        self.overlay = Some(Overlay::Messages(Box::new(MessagesWindow { selected: 0, compose: None })));
    }

    /// A new message, answering the one selected when `answer`: to its sending team, signed as
    /// the organisation it was sent to when control was its addressee's stand-in.
    fn compose(&self, w: &MessagesWindow, answer: bool) -> Option<Compose> {
        let teams = &self.sim.registry().teams;
        if teams.is_empty() {
            return None;
        }
        let mut c = Compose { to: 0, from: 0, channel: 0, field: 0, text: String::new() };
        if answer {
            let m = self.messages.iter().rev().nth(w.selected)?;
            let team = m.from.team().or(m.to.team())?;
            c.to = teams.iter().position(|t| t.id == team).unwrap_or(0);
            c.channel = MessageChannel::ALL.iter().position(|x| *x == m.channel).unwrap_or(0);
        }
        Some(c)
    }

    pub(super) fn update_messages(&mut self, mut w: Box<MessagesWindow>, action: Action) {
        match w.compose.take() {
            Some(c) => w.compose = self.update_compose(c, action),
            None => match action {
                Action::Close => return,
                Action::Up => w.selected = w.selected.saturating_sub(1),
                Action::Down => w.selected = (w.selected + 1).min(self.messages.len().saturating_sub(1)),
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
        let sizes = [self.sim.registry().teams.len(), self.organisations().len(), MessageChannel::ALL.len()];
        match action {
            Action::Close => return None,
            Action::NextField => c.field = (c.field + 1) % 3,
            Action::PrevField => c.field = (c.field + 2) % 3,
            Action::Left | Action::Right => {
                let n = sizes[c.field.min(2)].max(1);
                let slot = match c.field {
                    0 => &mut c.to,
                    1 => &mut c.from,
                    _ => &mut c.channel,
                };
                *slot = if action == Action::Right { (*slot + 1) % n } else { (*slot + n - 1) % n };
            }
            Action::Input(ch) if c.text.chars().count() < ttx_engine::talk::MAX_TEXT => c.text.push(ch),
            Action::Backspace => {
                c.text.pop();
            }
            Action::Submit => {
                if c.text.trim().is_empty() {
                    self.set_status(Level::Warn, "Type the message, then Enter.");
                    return Some(c);
                }
                let to = Party::Team(self.sim.registry().teams.get(c.to)?.id.clone());
                let signed = self.organisations().get(c.from).cloned();
                let channel = MessageChannel::ALL[c.channel % MessageChannel::ALL.len()];
                self.requests.push(HostRequest::Message {
                    to,
                    channel,
                    signed,
                    text: c.text.trim().to_string(),
                });
                return None;
            }
            _ => {}
        }
        Some(c)
    }
}

/// Draws the bookmark prompt.
pub fn draw_bookmark(c: &Console, text: &str, area: Rect, buf: &mut Buffer) {
    let t = c.theme();
    let r = centered(area, area.width.saturating_sub(4).min(72), 6);
    let inner = popup(t, " Bookmark this moment (for the after-action report) ", r, buf);
    let lines = vec![
        Line::styled(format!("At {}: a word or phrase, then Enter (Esc: none).", c.clock()), t.dim()),
        Line::raw(""),
        Line::from(vec![Span::styled(format!("{text}_"), t.text())]),
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
        let teams = &c.sim().registry().teams;
        let orgs = c.organisations();
        let fields = [
            ("To", teams.get(m.to).map_or("?".to_string(), |t| format!("{} ({})", t.name, t.id))),
            ("From", orgs.get(m.from).cloned().unwrap_or_default()),
            ("By", MessageChannel::ALL[m.channel % MessageChannel::ALL.len()].label().to_string()),
        ];
        for (i, (label, value)) in fields.iter().enumerate() {
            let style = if i == m.field { t.key() } else { t.text() };
            lines.push(Line::from(vec![
                Span::styled(format!("{label:>5}: "), t.dim()),
                Span::styled(format!("< {value} >"), style),
            ]));
        }
        lines.push(Line::styled("Text (type; Enter sends, Esc drops it):", t.dim()));
        for l in wrap(&format!("{}_", m.text), width.saturating_sub(2)) {
            lines.push(Line::styled(format!("  {l}"), t.text()));
        }
        lines.push(Line::raw(""));
    }
    if c.messages().is_empty() {
        lines.push(Line::styled("No messages yet. n: write one to a team.", t.dim()));
    }
    for (i, m) in c.messages().iter().rev().enumerate() {
        let head = format!("#{} {} {} → {} ({})", m.number, m.time, m.sender(), m.to, m.channel.label());
        let style = if i == w.selected && w.compose.is_none() { t.key() } else { t.title() };
        lines.push(Line::styled(truncate(&head, width), style));
        for l in wrap(&m.text, width.saturating_sub(2)) {
            lines.push(Line::styled(format!("  {l}"), t.text()));
        }
    }
    Paragraph::new(lines).render(inner, buf);
}
