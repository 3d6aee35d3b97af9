//! Counts heap allocations while a scenario runs, per processed tick, to check that the
//! steady-state tick does not allocate where it need not.
//!
//! `cargo run --release -p ttx-engine --example allocs [SCENARIO|synthetic:K]`
#![allow(unsafe_code)]
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use ttx_engine::{Sim, builtin};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: same layout, passed through.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: ptr came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: ptr came from `alloc` with this layout.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let name = std::env::args().nth(1).unwrap_or("tabletop_the_vote".into());
    let sc = match name.strip_prefix("synthetic:") {
        Some(k) => builtin::synthetic(k.parse().unwrap(), k.parse().unwrap()).unwrap(),
        None => builtin::load(builtin::find(&name).unwrap()).unwrap(),
    };
    let (a0, b0) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let mut sim = Sim::new(&sc, 1);
    let (a1, b1) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    sim.run_to_end();
    let (a2, b2) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let ticks = sim.hash_trace().len() as u64;
    let events = sim.events().len() as u64;
    println!("{name}: Sim::new {} allocations ({} KiB)", a1 - a0, (b1 - b0) / 1024);
    println!(
        "  run: {} allocations ({} KiB) over {ticks} processed ticks and {events} events: {:.1} per tick, {:.2} per event",
        a2 - a1,
        (b2 - b1) / 1024,
        (a2 - a1) as f64 / ticks as f64,
        (a2 - a1) as f64 / events as f64
    );
}
