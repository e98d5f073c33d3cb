import { html, jsonData, raw } from './html';

describe('html templates', () => {
  it('escapes every interpolated value, in text and attributes', () => {
    const title = '<script>alert("x")</script> & \'co\'';
    expect(html`<p title="${title}">${title}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
    );
  });

  it('keeps nested templates and trusted markup, joins lists and drops empty values', () => {
    expect(html`<ul>${['a', '<b>'].map((x) => html`<li>${x}</li>`)}</ul>${null}${false}${raw('<hr>')}`.value).toBe('<ul><li>a</li><li>&lt;b&gt;</li></ul><hr>');
  });

  it('embeds page data that cannot close its script block', () => {
    expect(jsonData('d', { t: '</script><script>' }).value).toBe('<script type="application/json" id="d">{"t":"\\u003c/script>\\u003cscript>"}</script>');
  });
});
