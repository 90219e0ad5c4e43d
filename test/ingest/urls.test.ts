import { describe, expect, it } from 'vitest';
import { checkLink, keepLink } from '../../ingest/urls.js';

const PAGE = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7';

describe('checkLink: portal links', () => {
  it('keeps the portal pages the data uses, as written', () => {
    expect(checkLink(PAGE, 'portal')).toEqual({ ok: true, url: PAGE });
    expect(checkLink('https://dichvucong.hanoi.gov.vn/', 'portal')).toMatchObject({ ok: true });
    expect(checkLink('https://csdl.dichvucong.gov.vn/web/jsp/x.jsp', 'portal')).toMatchObject({ ok: true });
  });

  it('refuses other schemes, credentials, ports and hidden characters', () => {
    for (const bad of [
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ftp://dichvucong.gov.vn/x',
      'https://user:pass@dichvucong.gov.vn/x',
      'https://dichvucong.gov.vn@evil.example/x',
      'https://dichvucong.gov.vn:8443/x',
      'https://dichvucong.gov.vn/x\u202e',
      'https://dichvucong.gov.vn/a b',
      'https://dichvucong.gov.vn\\@evil.example/',
      'dichvucong.gov.vn/thu-tuc-hanh-chinh',
      '//dichvucong.gov.vn/x',
    ]) {
      expect(checkLink(bad, 'portal'), bad).toMatchObject({ ok: false });
    }
  });

  it('refuses hosts that only look like the portal', () => {
    for (const bad of [
      'https://dichvucong-gov.vn/khai-sinh',
      'https://dichvucong.gov.vn.evil.example/x',
      'https://evildichvucong.gov.vn/x',
      'https://www.evil-portal.com/dang-ky',
      'https://xn--dchvucong-x2a.gov.vn/x',
      'https://dichvucong.gov.vn./x',
      'https://103.1.2.3/x',
    ]) {
      const r = checkLink(bad, 'portal');
      expect(r, bad).toMatchObject({ ok: false });
    }
    expect(checkLink('https://evil.example/x', 'portal')).toEqual({ ok: false, reason: expect.stringContaining('dichvucong.gov.vn') });
  });

  it('refuses plain http, even to the portal: a link is never rewritten into one the data does not name', () => {
    expect(checkLink('http://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc', 'portal')).toEqual({ ok: false, reason: expect.stringContaining('"http:"') });
    expect(checkLink('http://vanban.chinhphu.vn/x', 'document')).toMatchObject({ ok: false });
  });
});

describe('checkLink: document links', () => {
  it('keeps any https host, refuses the rest as for portal links', () => {
    expect(checkLink('https://vanban.chinhphu.vn/?pageid=27160&docid=1', 'document')).toMatchObject({ ok: true });
    expect(checkLink('javascript:alert(1)', 'document')).toMatchObject({ ok: false });
    expect(checkLink('https://a:b@vanban.chinhphu.vn/', 'document')).toMatchObject({ ok: false });
  });
});

describe('keepLink', () => {
  it('drops a bad link with a warning naming the record, and quotes it short and inert', () => {
    const r = keepLink(`javascript:alert(1)\u202e${'x'.repeat(200)}`, 'portal', 'f.json: procedures[0] (1.001193)');
    expect(r.url).toBeUndefined();
    expect(r.warning).toMatch(/^f\.json: procedures\[0\] \(1\.001193\): bỏ liên kết "javascript:alert\(1\) x+…": liên kết chứa khoảng trắng, ký tự điều khiển/);
    expect(r.warning).not.toMatch(/\u202e/);
    expect(r.warning!.length).toBeLessThan(200);
  });

  it('says nothing about a missing link, and refuses one that is not text', () => {
    expect(keepLink(undefined, 'portal', 'x')).toEqual({ url: undefined });
    expect(keepLink('', 'portal', 'x')).toEqual({ url: undefined });
    expect(keepLink(42, 'portal', 'x')).toEqual({ url: undefined, warning: 'x: bỏ liên kết "42": không phải chuỗi ký tự' });
  });
});
