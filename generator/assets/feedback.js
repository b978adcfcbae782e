/* Showcase feedback form: sends it in the background when JavaScript runs.
   Without JavaScript the form still works: the browser posts it, and the
   receiver sends the reader back to the page with a thank-you message. */
(function () {
  "use strict";

  function setup(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "yes";
    var shown = form.querySelector('input[name="shown_at"]');
    if (shown) shown.value = String(Date.now() / 1000);
    form.noValidate = true; // our messages, in the GOV.UK pattern, instead of the browser's
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form);
    });
  }

  // "Is this page useful?": the clicked button's answer is sent the same way as the form below,
  // then the question becomes a thank-you and the rest of the form opens.
  function setupUseful(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "yes";
    var shown = form.querySelector('input[name="shown_at"]');
    if (shown) shown.value = String(Date.now() / 1000);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter || form.querySelector('button[name="useful"]');
      vote(form, button);
    });
  }

  function vote(form, button) {
    var error = form.querySelector(".sc-error-message");
    error.hidden = true;
    error.textContent = "";
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    var body = new URLSearchParams(new FormData(form));
    body.set("useful", button.value);
    post(form.action, body)
      .then(function (result) {
        if (result.status >= 200 && result.status < 300) {
          voted(form);
        } else {
          var errors = result.data.errors || {};
          error.textContent = errors.useful || result.data.message ||
            "Your answer could not be sent. Please try again in a few minutes.";
          error.hidden = false;
        }
      })
      .catch(function () {
        error.textContent = "Your answer could not be sent. Check your connection and try again.";
        error.hidden = false;
      })
      .finally(function () {
        buttons.forEach(function (b) { b.disabled = false; });
      });
  }

  function voted(form) {
    var section = form.closest(".sc-feedback");
    var thanks = section.querySelector(".sc-useful__thanks");
    var more = section.querySelector(".sc-feedback__more");
    form.hidden = true;
    thanks.textContent = "Thank you for your feedback.";
    if (more) more.classList.add("is-open");
    // Focus on the thank-you: it is read out, and the next Tab goes on into the rest of the form.
    thanks.focus();
  }

  // Form-encoded, so the browser sends it without a CORS preflight.
  function post(action, body) {
    return fetch(action, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "omit"
    }).then(function (response) {
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: {} }; }
      );
    });
  }

  function clearErrors(form) {
    form.querySelectorAll(".sc-error-message").forEach(function (p) {
      p.hidden = true;
      p.textContent = "";
    });
    form.querySelectorAll(".sc-field--error").forEach(function (field) {
      field.classList.remove("sc-field--error");
    });
    var summary = form.querySelector(".sc-error-summary");
    summary.hidden = true;
    summary.querySelector("ul").textContent = "";
  }

  function firstInput(form, name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function showErrors(form, errors) {
    var summary = form.querySelector(".sc-error-summary");
    var list = summary.querySelector("ul");
    Object.keys(errors).forEach(function (name) {
      var item = document.createElement("li");
      var input = firstInput(form, name);
      var message = document.getElementById(name + "-error");
      if (input && message) {
        var link = document.createElement("a");
        link.href = "#" + input.id;
        link.textContent = errors[name];
        link.addEventListener("click", function (event) {
          event.preventDefault();
          input.focus();
        });
        item.appendChild(link);
        message.textContent = errors[name];
        message.hidden = false;
        var field = document.getElementById("field-" + name);
        if (field) field.classList.add("sc-field--error");
      } else {
        item.textContent = errors[name];
      }
      list.appendChild(item);
    });
    summary.hidden = false;
    summary.focus();
  }

  function thank(form) {
    var sent = form.closest(".sc-feedback").querySelector(".sc-feedback__sent");
    form.hidden = true;
    sent.classList.add("is-visible");
    sent.focus();
  }

  function send(form) {
    clearErrors(form);
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    post(form.action, new URLSearchParams(new FormData(form)))
      .then(function (result) {
        if (result.status >= 200 && result.status < 300) {
          thank(form);
        } else if (result.data.errors) {
          showErrors(form, result.data.errors);
        } else {
          showErrors(form, { form: result.data.message ||
            "Your feedback could not be sent. Please try again in a few minutes." });
        }
      })
      .catch(function () {
        showErrors(form, { form: "Your feedback could not be sent. Check your connection and try again: " +
          "what you wrote is still in the form." });
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  function init() {
    document.querySelectorAll('form[data-enhance="receiver"]').forEach(setup);
    document.querySelectorAll('form[data-enhance="useful"]').forEach(setupUseful);
  }

  // Material's instant loading swaps pages without a reload; document$ tells us when.
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
