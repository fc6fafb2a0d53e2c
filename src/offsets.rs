//! A map from offsets in normalised text back to the original text.
//!
//! Most of a reply is copied as it is, so the map is kept as segments
//! rather than per byte: a *linear* segment maps each byte one to one onto
//! the original, a *unit* segment maps all its bytes onto one original
//! range (a decoded character reference, a folded run of white space, a
//! rewritten contraction, a placeholder for masked text). A reply without
//! such changes costs one segment per line.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    /// Where the segment starts in the normalised text.
    at: u32,
    /// Where its first byte starts in the original.
    orig: u32,
    /// For a unit segment, the original length it stands for; `u32::MAX`
    /// marks a linear segment.
    len: u32,
}

const LINEAR: u32 = u32::MAX;

impl Seg {
    fn start(&self, i: usize) -> usize {
        if self.len == LINEAR {
            self.orig as usize + (i - self.at as usize)
        } else {
            self.orig as usize
        }
    }

    fn end(&self, i: usize) -> usize {
        if self.len == LINEAR {
            self.orig as usize + (i - self.at as usize) + 1
        } else {
            self.orig as usize + self.len as usize
        }
    }
}

/// Segments in order of their start in the normalised text; each runs up
/// to the next one's start (the last one to the end of the text).
#[derive(Debug, Default, Clone)]
pub(crate) struct OffsetMap {
    segs: Vec<Seg>,
}

impl OffsetMap {
    pub fn clear(&mut self) {
        self.segs.clear();
    }

    fn push(&mut self, seg: Seg) {
        match self.segs.last_mut() {
            // A segment that never received a byte is replaced.
            Some(last) if last.at == seg.at => *last = seg,
            _ => self.segs.push(seg),
        }
    }

    /// Maps the bytes from `at` on one to one onto the original from
    /// `orig` on.
    pub fn push_linear(&mut self, at: usize, orig: usize) {
        if let Some(last) = self.segs.last() {
            if last.len == LINEAR && last.orig as usize + (at - last.at as usize) == orig {
                return;
            }
        }
        self.push(Seg {
            at: at as u32,
            orig: orig as u32,
            len: LINEAR,
        });
    }

    /// Maps the bytes from `at` on, each, onto the original range `orig`.
    pub fn push_unit(&mut self, at: usize, orig: Range<usize>) {
        self.push(Seg {
            at: at as u32,
            orig: orig.start as u32,
            len: (orig.end.max(orig.start) - orig.start) as u32,
        });
    }

    fn seg_of(&self, i: usize) -> Option<&Seg> {
        let k = self.segs.partition_point(|s| s.at as usize <= i);
        self.segs.get(k.checked_sub(1)?)
    }

    /// The original start of the unit that byte `i` came from.
    pub fn start(&self, i: usize) -> usize {
        self.seg_of(i).map_or(0, |s| s.start(i))
    }

    /// The original end of the unit that byte `i` came from.
    pub fn end(&self, i: usize) -> usize {
        self.seg_of(i).map_or(0, |s| s.end(i))
    }

    /// Makes the last byte, at `last`, end at original offset `end`.
    pub fn set_last_end(&mut self, last: usize, end: usize) {
        let Some(seg) = self.segs.last().copied() else {
            return;
        };
        let start = seg.start(last);
        self.push(Seg {
            at: last as u32,
            orig: start as u32,
            len: (end.max(start) - start) as u32,
        });
    }

    /// Moves the mapping of the bytes from `at` on into `tail`, where they
    /// start at 0.
    pub fn split_off(&mut self, at: usize, tail: &mut OffsetMap) {
        tail.segs.clear();
        // Segments up to `k` start at or before `at`; the last of them
        // holds `at`.
        let k = self.segs.partition_point(|s| s.at as usize <= at);
        let Some(holder) = k.checked_sub(1).map(|j| self.segs[j]) else {
            return;
        };
        tail.segs.push(Seg {
            at: 0,
            orig: holder.start(at) as u32,
            len: holder.len,
        });
        tail.segs.extend(self.segs[k..].iter().map(|s| Seg {
            at: s.at - at as u32,
            ..*s
        }));
        let keep = if holder.at as usize == at { k - 1 } else { k };
        self.segs.truncate(keep);
    }

    /// Appends the mapping of `src`'s bytes `range` at `to`. `cursor` is a
    /// segment index into `src` that only moves forward, so copying a
    /// whole map piece by piece costs one pass.
    pub fn copy_from(
        &mut self,
        src: &OffsetMap,
        cursor: &mut usize,
        range: Range<usize>,
        to: usize,
    ) {
        let mut i = range.start;
        while i < range.end {
            src.advance(cursor, i);
            let Some(s) = src.segs.get(*cursor) else {
                return;
            };
            let at = to + (i - range.start);
            if s.len == LINEAR {
                self.push_linear(at, s.start(i));
            } else {
                self.push(Seg {
                    at: at as u32,
                    ..*s
                });
            }
            i = src
                .segs
                .get(*cursor + 1)
                .map_or(range.end, |n| (n.at as usize).min(range.end));
        }
    }

    /// The original start and end of `src`'s byte `i`, found from `cursor`.
    pub fn bounds_at(&self, cursor: &mut usize, i: usize) -> (usize, usize) {
        self.advance(cursor, i);
        self.segs
            .get(*cursor)
            .map_or((0, 0), |s| (s.start(i), s.end(i)))
    }

    fn advance(&self, cursor: &mut usize, i: usize) {
        while self
            .segs
            .get(*cursor + 1)
            .is_some_and(|n| n.at as usize <= i)
        {
            *cursor += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per-byte (start, end) pairs of a map over `n` bytes.
    fn bytes(m: &OffsetMap, n: usize) -> Vec<(usize, usize)> {
        (0..n).map(|i| (m.start(i), m.end(i))).collect()
    }

    #[test]
    fn linear_runs_merge() {
        let mut m = OffsetMap::default();
        m.push_linear(0, 10);
        m.push_linear(3, 13);
        assert_eq!(m.segs.len(), 1);
        m.push_unit(5, 15..21);
        m.push_linear(6, 21);
        assert_eq!(
            bytes(&m, 7),
            vec![
                (10, 11),
                (11, 12),
                (12, 13),
                (13, 14),
                (14, 15),
                (15, 21),
                (21, 22)
            ]
        );
    }

    #[test]
    fn last_end_moves() {
        let mut m = OffsetMap::default();
        m.push_linear(0, 0);
        m.set_last_end(2, 7);
        assert_eq!(bytes(&m, 3), vec![(0, 1), (1, 2), (2, 7)]);
        m.push_unit(3, 7..9);
        m.push_unit(3, 7..8);
        assert_eq!(m.segs.len(), 3);
        m.set_last_end(5, 12);
        assert_eq!(bytes(&m, 6)[3..], [(7, 8), (7, 8), (7, 12)]);
    }

    #[test]
    fn splits_and_copies_back() {
        let mut m = OffsetMap::default();
        m.push_linear(0, 0);
        m.push_unit(4, 4..10);
        m.push_linear(5, 10);
        let whole = bytes(&m, 9);
        for at in 0..9 {
            let mut copy = m.clone();
            let mut tail = OffsetMap::default();
            copy.split_off(at, &mut tail);
            let mut cursor = 0;
            copy.copy_from(&tail, &mut cursor, 0..2.min(9 - at), at);
            copy.copy_from(
                &tail,
                &mut cursor,
                2.min(9 - at)..9 - at,
                at + 2.min(9 - at),
            );
            assert_eq!(bytes(&copy, 9), whole, "split at {at}");
            let mut c = 0;
            assert_eq!(tail.bounds_at(&mut c, 0), whole[at]);
        }
    }

    /// The same operations on a per-byte model.
    #[derive(Default)]
    struct Model(Vec<(usize, usize)>);

    #[derive(Debug, Clone)]
    enum Op {
        Linear(usize),
        Unit(usize, usize),
        LastEnd(usize),
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            (1usize..6).prop_map(Op::Linear),
            (1usize..4, 0usize..5).prop_map(|(n, w)| Op::Unit(n, w)),
            (0usize..4).prop_map(Op::LastEnd),
        ]
    }

    proptest::proptest! {
        #[test]
        fn matches_a_per_byte_map(
            ops in proptest::collection::vec(op(), 1..20),
            split in 0usize..60,
            cut in 0usize..60,
        ) {
            let (mut m, mut model, mut orig) = (OffsetMap::default(), Model::default(), 0);
            for op in ops {
                let at = model.0.len();
                match op {
                    Op::Linear(n) => {
                        m.push_linear(at, orig);
                        model.0.extend((orig..orig + n).map(|o| (o, o + 1)));
                        orig += n;
                    }
                    Op::Unit(n, w) => {
                        m.push_unit(at, orig..orig + w);
                        model.0.extend(std::iter::repeat_n((orig, orig + w), n));
                        orig += w;
                    }
                    Op::LastEnd(extra) => {
                        if let Some(last) = model.0.last_mut() {
                            last.1 = last.1.max(orig) + extra;
                            orig = last.1;
                            m.set_last_end(at - 1, orig);
                        }
                    }
                }
            }
            let n = model.0.len();
            proptest::prop_assert_eq!(bytes(&m, n), model.0.clone());
            // Splitting off a tail and copying it back in two pieces
            // restores the map.
            let split = split % (n + 1);
            let cut = cut % (n - split + 1);
            let mut tail = OffsetMap::default();
            m.split_off(split, &mut tail);
            let mut cursor = 0;
            m.copy_from(&tail, &mut cursor, 0..cut, split);
            m.copy_from(&tail, &mut cursor, cut..n - split, split + cut);
            proptest::prop_assert_eq!(bytes(&m, n), model.0);
        }
    }
}
