// The upload with a progress bar: the same form, sent by XMLHttpRequest so the page can show how much has
// gone; without JavaScript the form posts as usual and the server answers with the verdict page.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var progress = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var button = form.querySelector("button[type=submit]");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? "upload-status bad" : "upload-status";
  }
  function fail(text) {
    progress.hidden = true;
    button.disabled = false;
    say(text, true);
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) { return; }
    event.preventDefault();
    if (maxBytes && input.files[0].size > maxBytes) {
      fail("Файл больше " + Math.floor(maxBytes / 1048576) + " МБ: форма мониторинга не может быть такой большой");
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf_token.value);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        var percent = Math.round(e.loaded * 100 / e.total);
        progress.value = percent;
        say("Загрузка: " + percent + "%");
      }
    };
    xhr.upload.onload = function () {
      progress.removeAttribute("value");  // indeterminate while the server checks
      say("Файл получен, идёт проверка…");
    };
    xhr.onload = function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (ignored) { data = {}; }
      if (xhr.status === 200 && data.redirect) {
        say("Проверка завершена");
        window.location.assign(data.redirect);
      } else {
        fail(data.error || ("Не удалось загрузить файл (код " + xhr.status + ")"));
      }
    };
    xhr.onerror = function () { fail("Связь прервалась: проверьте подключение и повторите загрузку"); };
    progress.hidden = false;
    progress.value = 0;
    button.disabled = true;
    say("Загрузка: 0%");
    xhr.send(new FormData(form));
  });
}());
