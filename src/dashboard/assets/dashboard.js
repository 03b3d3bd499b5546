// Tessera dashboard: progressive enhancement only; every page works without it.
// Pending states on submit, confirmations, CSV files into the card-stock box, and Reveal (hidden after 30 s).
'use strict';

/** Why 30 s: long enough to read the numbers out to a cardholder, short enough not to linger on screen. */
var REVEAL_MS = 30000;

document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var confirmText = form.getAttribute('data-confirm');
  if (confirmText && !window.confirm(confirmText)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute('data-reveal')) {
    event.preventDefault();
    reveal(form);
    return;
  }
  var pending = form.getAttribute('data-pending');
  var button = form.querySelector('button[type=submit]');
  if (button) {
    // After this submit is on its way: a second click would send the form twice.
    setTimeout(function () {
      button.disabled = true;
      if (pending) button.textContent = pending;
    }, 0);
  }
});

document.addEventListener('change', function (event) {
  var input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
  var target = document.getElementById(input.getAttribute('data-fills') || '');
  var file = input.files && input.files[0];
  if (!target || !file) return;
  file.text().then(function (text) {
    target.value = text.trim();
  });
});

function reveal(form) {
  var status = form.querySelector('[data-reveal-status]');
  var button = form.querySelector('button');
  var token = form.querySelector('input[name=_csrf]');
  var fields = {
    number: document.querySelector('[data-reveal-target=number]'),
    expiry: document.querySelector('[data-reveal-target=expiry]'),
    cvv: document.querySelector('[data-reveal-target=cvv]'),
  };
  var original = {};
  Object.keys(fields).forEach(function (k) {
    if (fields[k]) original[k] = fields[k].textContent;
  });
  button.disabled = true;
  status.textContent = 'Revealing…';
  fetch(form.action, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-csrf-token': token ? token.value : '', accept: 'application/json' },
  }).then(function (res) {
    return res.json().then(function (body) {
      return { ok: res.ok, body: body };
    });
  }).then(function (answer) {
    if (!answer.ok) {
      status.textContent = answer.body.error || 'The card could not be revealed.';
      button.disabled = false;
      return;
    }
    fields.number.textContent = answer.body.number.replace(/(\d{4})(?=\d)/g, '$1 ');
    fields.expiry.textContent = answer.body.expiry;
    fields.cvv.textContent = answer.body.cvv;
    var face = document.querySelector('.card-face');
    if (face) face.classList.add('revealed');
    status.textContent = 'Shown for 30 seconds.';
    setTimeout(function () {
      Object.keys(original).forEach(function (k) {
        fields[k].textContent = original[k];
      });
      if (face) face.classList.remove('revealed');
      status.textContent = 'Hidden again.';
      button.disabled = false;
    }, REVEAL_MS);
  }).catch(function () {
    status.textContent = 'The card could not be revealed.';
    button.disabled = false;
  });
}
