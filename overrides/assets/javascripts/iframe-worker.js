/*
 * Web Worker shim for pages opened from the file system (file://), where browsers refuse workers.
 *
 * Material for MkDocs runs its search in a worker; its offline plugin asks a CDN (unpkg) for the
 * `iframe-worker` shim. The handbook is read on intranets with no internet, so the same technique is
 * served from the site itself: the worker script runs in a hidden iframe, with postMessage and an
 * asynchronous importScripts. A plain-JavaScript port of iframe-worker by Martin Donath (MIT licence,
 * https://github.com/squidfunk/iframe-worker); it does nothing unless the page is a file:// page.
 */
(function () {
  "use strict"

  function runtimePostMessage(message, origin) {
    parent.postMessage(message, origin || "*")
  }

  function runtimeImportScripts() {
    var urls = Array.prototype.slice.call(arguments)
    return urls.reduce(function (promise, url) {
      return promise.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script")
          script.src = url
          script.onload = resolve
          document.body.appendChild(script)
        })
      })
    }, Promise.resolve())
  }

  function IFrameWorker(url) {
    var target = new EventTarget()
    var self = this
    this.url = String(url)
    this._target = target
    this.onmessage = null
    this.onerror = null
    var iframe = document.createElement("iframe")
    iframe.hidden = true
    iframe.title = "search worker"
    document.body.appendChild(this.iframe = iframe)
    var w = iframe.contentWindow
    w.document.open()
    w.document.write(
      "<html><body><script>" +
        "postMessage=" + runtimePostMessage + ";" +
        "importScripts=" + runtimeImportScripts + ";" +
      "</script>" +
      "<script src=\"" + this.url + "\"></script></body></html>"
    )
    w.document.close()
    this._ready = new Promise(function (resolve, reject) {
      w.onload = resolve
      w.onerror = reject
    })
    window.addEventListener("message", function (ev) {
      if (ev.source === iframe.contentWindow) {
        var copy = new MessageEvent("message", { data: ev.data })
        target.dispatchEvent(copy)
        if (typeof self.onmessage === "function") self.onmessage(copy)
      }
    })
  }
  IFrameWorker.prototype.addEventListener = function (type, fn, opts) {
    this._target.addEventListener(type, fn, opts)
  }
  IFrameWorker.prototype.removeEventListener = function (type, fn, opts) {
    this._target.removeEventListener(type, fn, opts)
  }
  IFrameWorker.prototype.dispatchEvent = function (ev) {
    return this._target.dispatchEvent(ev)
  }
  IFrameWorker.prototype.postMessage = function (data) {
    var iframe = this.iframe
    this._ready.catch(function () {}).then(function () {
      iframe.contentWindow.dispatchEvent(new MessageEvent("message", { data: structuredClone(data) }))
    })
  }
  IFrameWorker.prototype.terminate = function () {
    this.iframe.remove()
  }

  window.IFrameWorker = IFrameWorker
  if (location.protocol === "file:") window.Worker = IFrameWorker
})()
