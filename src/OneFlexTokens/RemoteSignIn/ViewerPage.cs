using System.Security.Cryptography;
using System.Text;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>
/// The one page the phone opens: the remote picture, a hidden input that brings up the phone's keyboard, a dialog panel
/// and a status line; no external resource. Its one script and one style are allowed by their hashes alone (CSP).
/// </summary>
internal static class ViewerPage
{
    public const string Style = """
        html,body{margin:0;padding:0;background:#111;color:#eee;font:16px/1.35 system-ui,-apple-system,sans-serif;overscroll-behavior:none}
        #status{position:sticky;top:0;z-index:2;padding:6px 10px;background:#222;font-size:14px;min-height:20px}
        #screen{touch-action:none;line-height:0}
        #picture{width:100%;height:auto;display:block;background:#fff}
        #keys{position:fixed;left:0;bottom:0;width:1px;height:1px;opacity:0;border:0;padding:0;font-size:16px}
        #keybar{position:sticky;bottom:0;display:flex;gap:6px;padding:6px;background:#222}
        #keybar button,#dialog button{flex:1;font-size:16px;padding:8px;border-radius:6px;border:1px solid #555;background:#333;color:#eee}
        #dialog{position:fixed;left:8px;right:8px;top:30%;z-index:3;padding:14px;background:#2a2a2a;border:1px solid #666;border-radius:10px}
        #dialog-text{width:100%;box-sizing:border-box;font-size:16px;margin:8px 0}
        #dialog-buttons{display:flex;gap:8px}
        #notice{position:fixed;inset:0;z-index:4;padding:30% 24px 0;background:#111e;font-size:20px;text-align:center}
        [hidden]{display:none!important}
        """;

    public const string Script = """
        'use strict';
        (() => {
          const secret = location.hash.slice(1);
          history.replaceState(null, '', location.pathname + location.search);
          const stats = window.viewerStats = { frames: 0, connectedAt: null, firstDataAt: null, firstFrameAt: null, lastFrameAgeMs: null, ages: [], agesBeforeOpen: [], bytes: 0, cw: null, ch: null, statuses: [], statusCount: 0, sent: {}, focus: null, focusReports: 0 };
          const $ = id => document.getElementById(id);
          const canvas = $('picture'), context = canvas.getContext('2d'), keys = $('keys');
          let socket = null, frame = null, over = false, drawing = false, waiting = null, composing = false;
          const refusals = {
            claimed: 'This link was already used. Ask for a new link.',
            expired: 'This link has expired. Ask for a new link.',
            wrong: 'This link is not valid: it may have been cut short. Open the whole link again, or ask for a new one.',
            locked: 'This link was blocked after too many wrong tries. Ask for a new link.'
          };
          const endings = {
            timeout: 'The sign-in took too long and was stopped. Ask for a new link.',
            closed: 'The sign-in was stopped on the computer. Ask for a new link if it still needs you.'
          };
          const status = text => { $('status').textContent = text; stats.statuses.push(text); stats.statusCount++; if (stats.statuses.length > 200) stats.statuses.shift(); };
          const notice = text => { over = true; keys.blur(); $('notice').textContent = text; $('notice').hidden = false; };
          const send = message => { if (socket && socket.readyState === 1 && !over) { socket.send(JSON.stringify(message)); stats.sent[message.t] = (stats.sent[message.t] || 0) + 1; } };
          const size = () => ({
            w: Math.round(Math.min(1200, Math.max(200, document.documentElement.clientWidth))),
            h: Math.round(Math.min(2000, Math.max(200, window.innerHeight - $('status').offsetHeight - $('keybar').offsetHeight)))
          });
          const point = (clientX, clientY) => {
            const box = canvas.getBoundingClientRect();
            const clamp = (v, max) => Math.min(max, Math.max(0, v));
            return { x: clamp((clientX - box.left) / box.width * frame.cw, frame.cw), y: clamp((clientY - box.top) / box.height * frame.ch, frame.ch) };
          };
          const decode = bytes => createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));

          if (!secret) { notice('This link is incomplete: open the whole link, with the part after #.'); return; }
          const path = location.pathname.replace(/index\.html$/, '');
          const address = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path + (path.endsWith('/') ? '' : '/') + 'ws';
          // The phone may lose the connection (it went to the authenticator app): it rejoins with the session's token.
          let resume = null, retries = 0, sentWidth = null;
          const connect = () => {
            const current = socket = new WebSocket(address);
            current.binaryType = 'arraybuffer';
            current.onopen = () => {
              if (stats.connectedAt === null) stats.connectedAt = Date.now();
              status(resume ? 'Reconnected.' : 'Connected. Waiting for the page…');
              const now = size();
              sentWidth = now.w;
              current.send(JSON.stringify(resume ? { t: 'resume', token: resume, ...now } : { t: 'hello', secret, ...now }));
            };
            current.onmessage = e => {
              if (typeof e.data !== 'string') { if (stats.firstDataAt === null) stats.firstDataAt = Date.now(); show(e.data); return; }
              const message = JSON.parse(e.data);
              if (message.t === 'session') { resume = message.resume; retries = 0; } else onText(message);
            };
            current.onclose = () => {
              if (over || current !== socket) return;
              if (resume && retries < 5) { retries++; status('Connection lost, reconnecting…'); setTimeout(connect, 500 * retries); return; }
              notice('The connection to the computer was lost. Ask for a new link if the sign-in did not finish.');
            };
          };
          // At once, before the rest of the page is set up (and laid out): the handshake overlaps it.
          connect();

          // The first decode of a page is slow (the decoder starts): an 8×8 JPEG warms it while the session connects.
          const warm = '/9j/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAAIAAgBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAAP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z';
          decode(Uint8Array.from(atob(warm), c => c.charCodeAt(0))).then(bitmap => bitmap.close()).catch(() => {});
          const sendText = text => { for (let i = 0; i < text.length; i += 1000) send({ t: 'text', s: text.slice(i, i + 1000) }); };

          // Newest frame wins here too: while one is decoded, only the latest that arrives meanwhile waits.
          const show = data => {
            if (drawing) { waiting = data; return; }
            const view = new DataView(data);
            const length = view.getUint32(0);
            const header = JSON.parse(new TextDecoder().decode(new Uint8Array(data, 4, length)));
            drawing = true;
            decode(new Uint8Array(data, 4 + length)).then(bitmap => {
              if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) { canvas.width = bitmap.width; canvas.height = bitmap.height; }
              context.drawImage(bitmap, 0, 0);
              bitmap.close();
              frame = header;
              stats.cw = header.cw; stats.ch = header.ch;
              const now = Date.now(), age = now - header.ts;
              stats.frames++; stats.bytes += data.byteLength; stats.lastFrameAgeMs = age;
              if (stats.firstFrameAt === null) stats.firstFrameAt = now;
              // A frame painted before this page was opened shows a page that has not changed since: its age is the wait for the human.
              const ages = header.ts < performance.timeOrigin ? stats.agesBeforeOpen : stats.ages;
              ages.push(age); if (ages.length > 500) ages.shift();
            }).catch(() => {}).finally(() => {
              drawing = false;
              if (waiting) { const next = waiting; waiting = null; show(next); }
            });
          };
          const onText = message => {
            switch (message.t) {
              case 'status': status(message.s); break;
              case 'focus':
                stats.focus = { editable: message.editable, type: message.type }; stats.focusReports++;
                if (message.editable) {
                  const type = ['password', 'email', 'tel', 'number', 'url'].includes(message.type) ? message.type : 'text';
                  if (keys.type !== type) keys.type = type;
                } else keys.blur();
                break;
              case 'dialog': {
                $('dialog-message').textContent = message.message;
                $('dialog-text').hidden = message.kind !== 'prompt';
                $('dialog-text').value = message.default || '';
                $('dialog-cancel').hidden = message.kind === 'alert';
                $('dialog').dataset.id = message.id;
                $('dialog').dataset.kind = message.kind;
                $('dialog').hidden = false;
                break;
              }
              case 'done': notice(message.s); break;
              case 'ended': notice(endings[message.reason] || 'The sign-in ended. Ask for a new link if it still needs you.'); break;
              case 'refused': notice(resume ? endings.closed : refusals[message.reason] || refusals.wrong); break;
            }
          };
          const answer = accept => {
            const panel = $('dialog'), message = { t: 'dialog', id: Number(panel.dataset.id), accept };
            if (panel.dataset.kind === 'prompt' && accept) message.s = $('dialog-text').value;
            panel.hidden = true;
            send(message);
          };
          $('dialog-ok').addEventListener('click', () => answer(true));
          $('dialog-cancel').addEventListener('click', () => answer(false));

          // The phone's keyboard opens only for a focus inside the user's own gesture: focus the input in the tap's handler.
          const tap = (clientX, clientY) => {
            keys.focus({ preventScroll: true });
            if (frame) send({ t: 'tap', ...point(clientX, clientY) });
          };
          let touch = null;
          canvas.addEventListener('touchstart', e => { const t = e.touches[0]; touch = { x: t.clientX, y: t.clientY, lastY: t.clientY, lastX: t.clientX, moved: false }; }, { passive: true });
          canvas.addEventListener('touchmove', e => {
            const t = e.touches[0];
            if (!touch || !frame) return;
            if (Math.abs(t.clientY - touch.y) > 8 || Math.abs(t.clientX - touch.x) > 8) touch.moved = true;
            if (!touch.moved) return;
            const box = canvas.getBoundingClientRect(), scale = frame.cw / box.width;
            send({ t: 'scroll', ...point(t.clientX, t.clientY), dx: (touch.lastX - t.clientX) * scale, dy: (touch.lastY - t.clientY) * scale });
            touch.lastX = t.clientX; touch.lastY = t.clientY;
            e.preventDefault();
          }, { passive: false });
          canvas.addEventListener('touchend', e => {
            if (touch && !touch.moved) { e.preventDefault(); tap(touch.x, touch.y); }
            touch = null;
          }, { passive: false });
          canvas.addEventListener('click', e => tap(e.clientX, e.clientY));
          canvas.addEventListener('wheel', e => {
            if (!frame) return;
            e.preventDefault();
            const box = canvas.getBoundingClientRect(), scale = frame.cw / box.width;
            send({ t: 'scroll', ...point(e.clientX, e.clientY), dx: e.deltaX * scale, dy: e.deltaY * scale });
          }, { passive: false });

          keys.addEventListener('beforeinput', e => {
            switch (e.inputType) {
              case 'insertText': case 'insertReplacementText': case 'insertFromPaste': case 'insertFromDrop': {
                const text = e.data ?? (e.dataTransfer ? e.dataTransfer.getData('text/plain') : '');
                e.preventDefault();
                if (text) sendText(text);
                break;
              }
              case 'insertLineBreak': case 'insertParagraph': e.preventDefault(); send({ t: 'key', k: 'Enter' }); break;
              case 'deleteContentBackward': e.preventDefault(); send({ t: 'key', k: 'Backspace' }); break;
              case 'deleteContentForward': e.preventDefault(); send({ t: 'key', k: 'Delete' }); break;
            }
          });
          // Composed text (Android keyboards, IMEs) is sent once, when the composition ends.
          keys.addEventListener('compositionstart', () => { composing = true; });
          keys.addEventListener('compositionend', e => { composing = false; if (e.data) sendText(e.data); keys.value = ''; });
          keys.addEventListener('input', e => {
            if (composing || e.isComposing) return;
            if (keys.value) { sendText(keys.value); keys.value = ''; }
          });
          keys.addEventListener('keydown', e => {
            if (composing || e.isComposing) return;
            const key = e.key === 'Tab' && e.shiftKey ? 'Shift+Tab' : e.key;
            if (['Enter', 'Tab', 'Shift+Tab', 'Escape', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown'].includes(key)
                || (key === 'Backspace' && !keys.value)) {
              e.preventDefault();
              send({ t: 'key', k: key });
            }
          });
          // The key bar keeps the keyboard open: its buttons never take the focus.
          for (const button of document.querySelectorAll('#keybar button')) {
            button.addEventListener('pointerdown', e => e.preventDefault());
            button.addEventListener('click', () => send({ t: 'key', k: button.dataset.key }));
          }
          // Only a new width (the phone turned) resizes the remote page: the keyboard and the address bar change the height all the time.
          let resizing = 0;
          window.addEventListener('resize', () => {
            clearTimeout(resizing);
            resizing = setTimeout(() => { const now = size(); if (now.w !== sentWidth) { sentWidth = now.w; send({ t: 'resize', ...now }); } }, 250);
          });
          document.addEventListener('visibilitychange', () => {
            if (document.visibilityState === 'visible' && !over && resume && socket && socket.readyState > 1) { retries = 0; connect(); }
          });
        })();
        """;

    public static readonly string Html = $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no">
        <meta name="referrer" content="no-referrer">
        <title>OneFlex sign-in</title>
        <style>{{Style}}</style>
        </head><body>
        <div id="status" role="status">Connecting…</div>
        <div id="screen"><canvas id="picture" width="390" height="600"></canvas></div>
        <div id="keybar"><button type="button" data-key="Tab">Tab</button><button type="button" data-key="Backspace">⌫</button><button type="button" data-key="Enter">Enter</button></div>
        <input id="keys" autocomplete="off" autocapitalize="off" autocorrect="off" spellcheck="false" aria-label="Keyboard">
        <div id="dialog" role="dialog" hidden><p id="dialog-message"></p><input id="dialog-text" aria-label="Answer">
        <div id="dialog-buttons"><button type="button" id="dialog-ok">OK</button><button type="button" id="dialog-cancel">Cancel</button></div></div>
        <div id="notice" role="alert" hidden></div>
        <script>{{Script}}</script>
        </body></html>
        """;

    public static readonly byte[] Utf8 = Encoding.UTF8.GetBytes(Html);

    /// <summary>Nothing but the page's own inline script and style, decoded images, and its own WebSocket.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; script-src '{Hash(Script)}'; style-src '{Hash(Style)}'; img-src blob:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static string Hash(string block) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(block)));
}
