import { describe, expect, it } from 'vitest';
import { drawLot, drawLotWithValues, receiptOrder, systemValueOf } from '../../src/domain/lot.ts';

const jst = (s: string) => new Date(`${s}+09:00`);

describe('電子くじ: published worked examples', () => {
  it('芦屋市 (兵庫県電子入札共同運営システム): (755+242+482+176) ÷ 4 = 413 余り 3 → F社', () => {
    // https://www.nyusatsu.e-hyogo.jp/www/ashiya/contents/1012010000391/index.html
    // 「(755+242+482+176)÷4=413 余り 3 余りが3となりますので、『入札順位』の値が3であるF社が落札者となります。」
    // tied bidders A, C, E, F (5,000,000 yen) with their くじ番号 and the system's value for each
    const draw = drawLotWithValues([
      { vendorId: 'A', lotNumber: 343, systemValue: 412, receivedAt: jst('2004-11-01T12:00:12') },
      { vendorId: 'C', lotNumber: 887, systemValue: 355, receivedAt: jst('2004-11-02T09:05:55') },
      { vendorId: 'E', lotNumber: 909, systemValue: 573, receivedAt: jst('2004-11-04T16:09:33') },
      { vendorId: 'F', lotNumber: 776, systemValue: 400, receivedAt: jst('2004-11-05T15:10:00') },
    ]);
    expect(draw.entries.map((e) => [e.vendorId, e.order, e.drawnNumber])).toEqual([
      ['A', 0, 755],
      ['C', 1, 242],
      ['E', 2, 482],
      ['F', 3, 176],
    ]);
    expect(draw).toMatchObject({ sum: 1655, remainder: 3, winnerVendorId: 'F' });
  });

  it('大阪府 (平成18年度までの取扱い) and 香川県: (377+049+407) ÷ 3 の余り 2 → C', () => {
    // http://www.nyusatsu.pref.osaka.jp/keiyaku/e-nyusatsu/garapon/garaponold.html
    // 「(377+049+407)÷3 =277余り2 … S=2,T=2で一致する入札参加者Cが落札者」 (system value: a random number)
    const randoms = [254, 593, 618];
    const draw = drawLot(
      [
        { vendorId: 'A', lotNumber: 123, receivedAt: jst('2003-06-26T12:00:00') },
        { vendorId: 'B', lotNumber: 456, receivedAt: jst('2003-06-26T14:30:00') },
        { vendorId: 'C', lotNumber: 789, receivedAt: jst('2003-06-27T09:35:00') },
      ],
      'random',
      () => randoms.shift()!,
    );
    expect(draw.entries.map((e) => e.drawnNumber)).toEqual([377, 49, 407]);
    expect(draw).toMatchObject({ sum: 833, remainder: 2, winnerVendorId: 'C' });
  });

  it('電子くじの仕組み (seconds since 1970, last three digits): 1219 ÷ 3 余り 1 → B社', () => {
    // https://expydoc.com/doc/8003084/ 「電子くじの仕組みについて」: 1970年1月1日0時0分0秒GMTからのトータル秒数の下3桁
    const draw = drawLot(
      [
        { vendorId: 'A', lotNumber: 418, receivedAt: jst('2005-03-01T11:30:10') },
        { vendorId: 'B', lotNumber: 210, receivedAt: jst('2005-03-05T14:20:40') },
        { vendorId: 'C', lotNumber: 861, receivedAt: jst('2005-03-14T16:48:00') },
      ],
      'epoch_seconds',
    );
    expect(draw.entries.map((e) => [e.systemValue, e.drawnNumber])).toEqual([
      [210, 628],
      [40, 250],
      [480, 341],
    ]);
    expect(draw).toMatchObject({ sum: 1219, remainder: 1, winnerVendorId: 'B' });
  });

  it('徳島県 (milliseconds of the receipt time): the rule applied to its published bids', () => {
    // https://e-denshinyusatsu.pref.tokushima.lg.jp/e-nyusatsu/kuji 「入力くじ番号と入札書受信日時の秒(ミリ秒単位の下3桁)の和」
    const draw = drawLot(
      [
        { vendorId: 'A', lotNumber: 343, receivedAt: jst('2004-11-01T12:00:12.123') },
        { vendorId: 'C', lotNumber: 887, receivedAt: jst('2004-11-02T09:05:55.550') },
        { vendorId: 'E', lotNumber: 909, receivedAt: jst('2004-11-04T16:09:33.332') },
        { vendorId: 'F', lotNumber: 776, receivedAt: jst('2004-11-05T15:10:00.005') },
      ],
      'receipt_ms',
    );
    // the page's 決定くじ番号: 466, 437 (1437 の下3桁), 241 (1241), 781
    expect(draw.entries.map((e) => e.drawnNumber)).toEqual([466, 437, 241, 781]);
    expect(draw).toMatchObject({ sum: 1925, remainder: 1, winnerVendorId: 'C' });
  });
});

describe('電子くじ: the rule for any tie', () => {
  it('orders 2 to 15 tied bidders by receipt and picks the one numbered (sum mod n)', () => {
    for (let n = 2; n <= 15; n++) {
      const entrants = Array.from({ length: n }, (_, i) => ({
        vendorId: `v${String(n - i).padStart(2, '0')}`,
        lotNumber: (i * 137 + n * 71) % 1000,
        receivedAt: new Date(Date.UTC(2026, 5, 1, 0, 0, i, (i * 389) % 1000)),
      }));
      const draw = drawLot(entrants, 'receipt_ms');
      const drawn = entrants.map((e) => (e.lotNumber + e.receivedAt.getUTCMilliseconds()) % 1000);
      const sum = drawn.reduce((a, b) => a + b, 0);
      expect(draw.sum).toBe(sum);
      expect(draw.remainder).toBe(sum % n);
      expect(draw.winnerVendorId).toBe(entrants[sum % n]!.vendorId);
      expect(draw.entries.map((e) => e.order)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('handles equal lot numbers and equal receipt times deterministically', () => {
    const at = new Date('2026-06-01T01:00:00.250Z');
    const same = [
      { vendorId: 'b', lotNumber: 500, receivedAt: at },
      { vendorId: 'a', lotNumber: 500, receivedAt: at },
    ];
    const draw = drawLot(same, 'receipt_ms');
    // both draw (500 + 250) mod 1000 = 750; sum 1500 mod 2 = 0 → order 0, which is 'a' by id
    expect(draw.entries.map((e) => [e.vendorId, e.drawnNumber])).toEqual([['a', 750], ['b', 750]]);
    expect(draw.winnerVendorId).toBe('a');
    expect(drawLot([...same].reverse(), 'receipt_ms')).toEqual(draw);
  });

  it('reads system values from the receipt time', () => {
    expect(systemValueOf('receipt_ms', new Date('2026-06-01T00:00:05.042Z'))).toBe(42);
    expect(systemValueOf('epoch_seconds', new Date(1_780_000_123_999))).toBe(123);
  });

  it('refuses a lot with one bidder or an out-of-range number', () => {
    expect(() => drawLot([{ vendorId: 'a', lotNumber: 1, receivedAt: new Date() }], 'receipt_ms')).toThrow();
    expect(() => drawLot([{ vendorId: 'a', lotNumber: 1000, receivedAt: new Date() }, { vendorId: 'b', lotNumber: 1, receivedAt: new Date() }], 'receipt_ms')).toThrow();
  });
});

describe('the order of tied bidders', () => {
  it('is by receipt, then by vendor id for the same instant, whatever order they come in', () => {
    const t = (ms: number) => new Date(Date.UTC(2026, 5, 10, 1, 0, 0) + ms);
    const entrants = [
      { vendorId: 'c', receivedAt: t(5) },
      { vendorId: 'b', receivedAt: t(1) },
      { vendorId: 'a', receivedAt: t(5) },
    ];
    expect(receiptOrder(entrants).map((e) => e.vendorId)).toEqual(['b', 'a', 'c']);
    expect(receiptOrder([...entrants].reverse()).map((e) => e.vendorId)).toEqual(['b', 'a', 'c']);
    expect(entrants.map((e) => e.vendorId)).toEqual(['c', 'b', 'a']);
  });
});
