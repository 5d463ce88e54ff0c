//! The module's allocator (wasm32, feature `small-alloc`, on by default): a
//! size-class heap, about a seventh of the code of the standard library's
//! dlmalloc (the allocator was 8 KB of the module's 120 KB of code).
//!
//! Every block is a power of two of at least 16 bytes and starts at a
//! multiple of its size, so it suits any alignment up to its size. A freed
//! block goes on the free list of its size and is handed out again for the
//! next request of that size; blocks are never merged or split once made.
//! New blocks come from the top of the heap, which grows by whole wasm pages;
//! the gap that aligning a block leaves below it becomes free blocks too.
//!
//! What this costs against dlmalloc: a request is rounded up to its power of
//! two (at most half a block unused), and memory freed at one size serves
//! only that size. The module's requests are small and repeat (strings, the
//! outbox's entries, event records), and a message's payload stays in JS.
//!
//! [`Heap`] is the algorithm over any source of pages ([`Grow`]), tested
//! natively; the global allocator wraps it around `memory.grow`.

use std::ptr::null_mut;

/// The smallest block: room for the free list's link, and the alignment of
/// every block.
const MIN_BLOCK: usize = 16;
/// One size class per bit of an address.
const CLASSES: usize = usize::BITS as usize;
/// A wasm page.
pub(crate) const PAGE: usize = 65_536;

/// Where the heap gets memory: `pages` more pages of [`PAGE`] bytes.
pub(crate) trait Grow {
    /// The address of `pages` new pages, or `None` when there is no more.
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// The size class (log2 of the block size) for `size` bytes at `align`;
/// `None` when no block can be that big.
fn class_of(size: usize, align: usize) -> Option<usize> {
    let block = size.max(align).max(MIN_BLOCK).checked_next_power_of_two()?;
    Some(block.trailing_zeros() as usize)
}

/// A size-class heap over the pages `G` gives (see the module's docs).
pub(crate) struct Heap<G> {
    /// Per class, the first free block (0: none); each free block holds the
    /// address of the next in its first word.
    free: [usize; CLASSES],
    /// Where the next new block may start, and the end of the pages taken.
    top: usize,
    end: usize,
    grow: G,
}

impl<G: Grow> Heap<G> {
    /// An empty heap: it asks `grow` for pages at its first request.
    pub(crate) const fn new(grow: G) -> Self {
        Heap {
            free: [0; CLASSES],
            top: 0,
            end: 0,
            grow,
        }
    }

    /// A block for `size` bytes at `align` (a power of two), or null.
    ///
    /// # Safety
    /// The heap's free blocks must be memory it may write (as the pages
    /// `grow` gave are).
    pub(crate) unsafe fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        let Some(class) = class_of(size, align) else {
            return null_mut();
        };
        match self.free.get_mut(class) {
            Some(head) if *head != 0 => {
                let block = *head;
                *head = *(block as *const usize);
                block as *mut u8
            }
            _ => self.fresh(class),
        }
    }

    /// Gives back a block that `alloc` returned for `size` and `align`.
    ///
    /// # Safety
    /// `block` came from this heap for that size and align, and is not used after.
    pub(crate) unsafe fn dealloc(&mut self, block: *mut u8, size: usize, align: usize) {
        if let Some(head) = class_of(size, align).and_then(|c| self.free.get_mut(c)) {
            *(block as *mut usize) = *head;
            *head = block as usize;
        }
    }

    /// The block resized to `new_size`: the same one while the size class
    /// stays, else a new one with the contents copied (null, and `block`
    /// untouched, when there is no room).
    ///
    /// # Safety
    /// As [`dealloc`](Self::dealloc), and `new_size` is not 0.
    pub(crate) unsafe fn realloc(
        &mut self,
        block: *mut u8,
        size: usize,
        align: usize,
        new_size: usize,
    ) -> *mut u8 {
        if class_of(size, align) == class_of(new_size, align) {
            return block;
        }
        let moved = self.alloc(new_size, align);
        if !moved.is_null() {
            std::ptr::copy_nonoverlapping(block, moved, size.min(new_size));
            self.dealloc(block, size, align);
        }
        moved
    }

    /// A new block of class `class` from the top, growing when needed.
    unsafe fn fresh(&mut self, class: usize) -> *mut u8 {
        let size = 1usize << class;
        loop {
            // `top` is a multiple of MIN_BLOCK; the block starts at a multiple of its size.
            let Some(start) = self.top.checked_next_multiple_of(size) else {
                return null_mut();
            };
            let Some(stop) = start.checked_add(size) else {
                return null_mut();
            };
            if stop <= self.end {
                self.carve(self.top, start);
                self.top = stop;
                return start as *mut u8;
            }
            let pages = (stop - self.end).div_ceil(PAGE);
            let Some(at) = self.grow.grow(pages) else {
                return null_mut();
            };
            if at != self.end {
                // Not after the last pages: what was left there becomes free blocks.
                self.carve(self.top, self.end);
                self.top = at;
            }
            self.end = at + pages * PAGE;
        }
    }

    /// Puts `[from, to)` (multiples of MIN_BLOCK) on the free lists, as the
    /// largest blocks that start at multiples of their size.
    unsafe fn carve(&mut self, mut from: usize, to: usize) {
        while from < to {
            let fits = 1usize << (usize::BITS - 1 - (to - from).leading_zeros());
            let block = (1usize << from.trailing_zeros()).min(fits);
            self.dealloc(from as *mut u8, block, MIN_BLOCK);
            from += block;
        }
    }
}

#[cfg(all(target_arch = "wasm32", feature = "small-alloc"))]
mod global {
    use super::{Grow, Heap, PAGE};
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;

    /// The module's memory, grown by `memory.grow`.
    struct Memory;

    impl Grow for Memory {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let before = core::arch::wasm32::memory_grow(0, pages);
            (before != usize::MAX).then(|| before * PAGE)
        }
    }

    /// The heap as the global allocator. The module runs on one thread (no
    /// wasm threads), so one heap without a lock serves every call.
    struct Allocator(UnsafeCell<Heap<Memory>>);

    // SAFETY: wasm32 without the atomics feature has one thread.
    unsafe impl Sync for Allocator {}

    // SAFETY: the heap hands out each block once until it is given back, at
    // an address that is a multiple of its size (>= the layout's align).
    unsafe impl GlobalAlloc for Allocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            (*self.0.get()).alloc(layout.size(), layout.align())
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            (*self.0.get()).dealloc(ptr, layout.size(), layout.align())
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size)
        }
    }

    #[global_allocator]
    static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(Heap::new(Memory)));
}

#[cfg(test)]
mod tests;
