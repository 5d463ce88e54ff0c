//! The heap natively, over pages of a buffer: alignment, reuse, growth,
//! exhaustion, and a long random run that checks no two live blocks overlap
//! and none is written by another's use.

use super::{Grow, Heap, PAGE};

/// Pages from a buffer: `pages` of them, page-aligned, handed out in order;
/// `skip` pages left out before each grant (pages not after the last ones).
struct Arena {
    _buffer: Vec<u8>,
    base: usize,
    next: usize,
    pages: usize,
    skip: usize,
    granted: Vec<(usize, usize)>,
}

impl Arena {
    fn new(pages: usize, skip: usize) -> Arena {
        let buffer = vec![0u8; (pages + 1) * PAGE];
        let base = (buffer.as_ptr() as usize).next_multiple_of(PAGE);
        Arena {
            _buffer: buffer,
            base,
            next: 0,
            pages,
            skip,
            granted: Vec::new(),
        }
    }
}

impl Grow for Arena {
    fn grow(&mut self, pages: usize) -> Option<usize> {
        let first = self.next + self.skip;
        if first + pages > self.pages {
            return None;
        }
        self.next = first + pages;
        let at = self.base + first * PAGE;
        self.granted.push((at, at + pages * PAGE));
        Some(at)
    }
}

fn heap(pages: usize, skip: usize) -> Heap<Arena> {
    Heap::new(Arena::new(pages, skip))
}

/// Whether `[at, at + len)` lies inside pages the arena gave.
fn inside(heap: &Heap<Arena>, at: usize, len: usize) -> bool {
    heap.grow
        .granted
        .iter()
        .any(|&(from, to)| at >= from && at + len <= to)
}

#[test]
fn blocks_are_aligned_to_their_size_and_to_what_is_asked() {
    let mut h = heap(64, 0);
    for (size, align) in [
        (1, 1),
        (16, 8),
        (17, 4),
        (100, 64),
        (3000, 8),
        (70_000, 8),
        (24, 4096),
    ] {
        let block = unsafe { h.alloc(size, align) } as usize;
        assert_ne!(block, 0, "{size} bytes at {align}");
        let class = size.max(align).max(16).next_power_of_two();
        assert_eq!(block % class, 0, "{size} bytes at {align}: {block:#x}");
        assert!(inside(&h, block, class));
    }
}

#[test]
fn a_freed_block_serves_the_next_request_of_its_class() {
    let mut h = heap(4, 0);
    unsafe {
        let a = h.alloc(40, 8);
        let b = h.alloc(40, 8);
        h.dealloc(a, 40, 8);
        assert_eq!(
            h.alloc(60, 8),
            a,
            "the same class (64 bytes) takes the freed block"
        );
        assert_ne!(h.alloc(60, 8), b);
        h.dealloc(b, 40, 8);
        assert_ne!(h.alloc(20, 8), b, "another class does not");
    }
}

#[test]
fn realloc_keeps_the_block_within_its_class_and_copies_across() {
    let mut h = heap(8, 0);
    unsafe {
        let a = h.alloc(20, 4);
        for i in 0..20 {
            *a.add(i) = i as u8;
        }
        assert_eq!(h.realloc(a, 20, 4, 32), a);
        let b = h.realloc(a, 32, 4, 1000);
        assert_ne!(b, a);
        assert!((0..20).all(|i| *b.add(i) == i as u8));
        let c = h.realloc(b, 1000, 4, 10);
        assert_ne!(
            c, b,
            "shrinking to a smaller class moves, so the big block is not lost"
        );
        assert!((0..10).all(|i| *c.add(i) == i as u8));
        assert_eq!(h.alloc(1000, 4), b, "the big block is free again");
    }
}

#[test]
fn the_gap_below_an_aligned_block_becomes_free_blocks() {
    let mut h = heap(8, 0);
    unsafe {
        let small = h.alloc(16, 1) as usize;
        let big = h.alloc(PAGE, 8) as usize;
        assert_eq!(big % PAGE, 0);
        let pages = h.grow.next;
        // Between them: one free block of each size from 16 bytes to half a
        // page, each served before any new page is taken.
        for class in 4..16 {
            let b = h.alloc(1 << class, 1) as usize;
            assert!(b > small && b < big, "{} bytes at {b:#x}", 1 << class);
        }
        assert_eq!(
            h.grow.next, pages,
            "no page taken for blocks that fit the gap"
        );
        assert!((h.alloc(16, 1) as usize) > big, "the gap is used up");
    }
}

#[test]
fn pages_not_after_the_last_ones_leave_the_rest_as_free_blocks() {
    let mut h = heap(64, 1);
    unsafe {
        let first = h.alloc(48, 8) as usize;
        let big = h.alloc(3 * PAGE, 8) as usize; // grows, one page skipped
        assert!(inside(&h, first, 64) && inside(&h, big, 4 * PAGE));
        assert_eq!(h.grow.granted.len(), 2);
        // The first page's rest is still used: a small block comes from it.
        let next = h.alloc(48, 8) as usize;
        assert!(
            next > first && next < first + PAGE,
            "{next:#x} after {first:#x}"
        );
    }
}

#[test]
fn no_memory_gives_null_and_the_heap_goes_on() {
    let mut h = heap(2, 0);
    unsafe {
        let a = h.alloc(PAGE, 8);
        assert!(!a.is_null());
        assert!(h.alloc(2 * PAGE, 8).is_null(), "more than is left");
        assert!(
            h.alloc(usize::MAX / 2 + 2, 8).is_null(),
            "more than any block"
        );
        let c = h.alloc(100, 8);
        assert!(!c.is_null(), "smaller requests still served");
        h.dealloc(a, PAGE, 8);
        assert_eq!(h.alloc(PAGE, 8), a);
        assert!(h.realloc(c, 100, 8, 4 * PAGE).is_null());
        assert_eq!(*c, *c, "the block stays valid after a failed realloc");
    }
}

#[test]
fn the_same_work_again_takes_no_more_pages() {
    let mut h = heap(64, 0);
    let round = |h: &mut Heap<Arena>| unsafe {
        let blocks: Vec<(*mut u8, usize)> =
            (1..200).map(|i| (h.alloc(i * 37, 8), i * 37)).collect();
        for (b, size) in blocks {
            h.dealloc(b, size, 8);
        }
    };
    round(&mut h);
    let pages = h.grow.next;
    for _ in 0..10 {
        round(&mut h);
    }
    assert_eq!(h.grow.next, pages);
}

/// A long random run of allocations, reallocations and frees: each live
/// block is filled with its own byte and checked before it is freed or
/// moved, so an overlap or a stray write shows.
#[test]
fn random_work_keeps_every_live_block_its_own() {
    let mut h = heap(512, 0);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut live: Vec<(*mut u8, usize, usize, u8)> = Vec::new();
    let fill = |b: *mut u8, size: usize, tag: u8| unsafe { std::ptr::write_bytes(b, tag, size) };
    let check = |b: *mut u8, size: usize, tag: u8| unsafe {
        assert!(
            (0..size).all(|i| *b.add(i) == tag),
            "block {b:?} of {size} lost its contents"
        );
    };
    for step in 0..50_000u32 {
        let r = next();
        let size = match r % 10 {
            0 => (r >> 8) as usize % 70_000 + 1,
            1..=3 => (r >> 8) as usize % 2_000 + 1,
            _ => (r >> 8) as usize % 100 + 1,
        };
        let align = 1usize << ((r >> 40) % 4);
        let tag = (step % 251) as u8 + 1;
        match (r >> 50) % 4 {
            0 | 1 if live.len() < 400 => {
                let b = unsafe { h.alloc(size, align) };
                assert!(!b.is_null(), "out of memory at step {step}");
                assert_eq!(b as usize % align, 0);
                fill(b, size, tag);
                live.push((b, size, align, tag));
            }
            2 if !live.is_empty() => {
                let i = (r >> 20) as usize % live.len();
                let (b, old, align, old_tag) = live[i];
                check(b, old, old_tag);
                let moved = unsafe { h.realloc(b, old, align, size) };
                assert!(!moved.is_null());
                check(moved, old.min(size), old_tag);
                fill(moved, size, tag);
                live[i] = (moved, size, align, tag);
            }
            _ if !live.is_empty() => {
                let (b, size, align, tag) = live.swap_remove((r >> 20) as usize % live.len());
                check(b, size, tag);
                unsafe { h.dealloc(b, size, align) };
            }
            _ => {}
        }
    }
    for &(b, size, _, tag) in &live {
        check(b, size, tag);
        assert!(inside(&h, b as usize, size));
    }
}
