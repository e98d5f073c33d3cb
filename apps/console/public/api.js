// @ts-check
/**
 * Calls from the pages: the console's own endpoints and `/api/<service>/…`, which the console
 * forwards with the signed-in person's token (the HttpOnly session cookie; scripts never see it).
 * Every failure becomes { status, message, whatToDo } so the page can say what to do next.
 */

/** @typedef {{ ok: true, status: number, body: any } | { ok: false, status: number, message: string, whatToDo: string, body: any }} ApiResult */

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<ApiResult>}
 */
export async function call(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, status: 0, message: 'The console is not answering.', whatToDo: 'Check the network connection and try again.', body: null };
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { message: text.slice(0, 300) };
  }
  if (response.ok) return { ok: true, status: response.status, body: json };
  const raw = json && json.message;
  const message = Array.isArray(raw) ? raw.join('; ') : raw || `Request failed (${response.status}).`;
  const whatToDo = (json && json.whatToDo) || 'Try again.';
  return { ok: false, status: response.status, message: capitalise(message), whatToDo, body: json };
}

/** @param {string} text */
export function capitalise(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * Puts a message in a live region: what happened and, for a failure, what to do (a sign-in link
 * when the session is gone).
 * @param {HTMLElement} region
 * @param {'success' | 'error' | 'warning'} kind
 * @param {string} text
 * @param {string} [whatToDo]
 * @param {number} [status]
 */
export function say(region, kind, text, whatToDo, status) {
  region.className = `message ${kind}`;
  region.replaceChildren();
  const p = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = text;
  p.append(strong);
  region.append(p);
  if (whatToDo) {
    const next = document.createElement('p');
    next.textContent = `${whatToDo} `;
    if (status === 401) {
      const link = document.createElement('a');
      link.href = `/sign-in?next=${encodeURIComponent(location.pathname)}`;
      link.textContent = 'Sign in';
      next.append(link);
    }
    region.append(next);
  }
}

/** @param {HTMLElement} region */
export function clear(region) {
  region.replaceChildren();
  region.className = 'message';
}

/** The page's data block (session summary, branches, …). */
export function pageData() {
  const node = document.getElementById('console-data');
  return node ? JSON.parse(node.textContent || '{}') : {};
}

/**
 * Builds an element: el('p', { class: 'x' }, 'text', child).
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}
