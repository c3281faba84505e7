/*
 * Highlight on the page the words a search found, whatever their diacritics.
 *
 * Material (search.highlight) marks the terms of the `h` parameter that a search result link carries.
 * Search folds queries to bare letters (macros/assets/search-fold.js), so `h` reads "tang truong" and
 * Material's exact match would miss "tăng trưởng" in the page. This marks every word whose folded form
 * starts with a folded term, as the search matched it; text Material already marked is left alone.
 */
(function () {
  "use strict"
  var param = new URL(location.href).searchParams.get("h")
  if (!param) return

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\u0111/g, "d").replace(/\u0110/g, "D").toLowerCase()
  }
  var terms = fold(param).split(/[\s*+\-:~^]+/).filter(function (t) { return t.length > 0 })
  if (!terms.length) return
  var WORD = /[\p{L}\p{N}]+/gu

  function found(word) {
    var folded = fold(word)
    for (var i = 0; i < terms.length; i++)
      if (folded.indexOf(terms[i]) === 0) return true
    return false
  }

  function mark(node) {
    var text = node.textContent, parts = [], last = 0, match
    WORD.lastIndex = 0
    while ((match = WORD.exec(text)) !== null) {
      if (!found(match[0])) continue
      if (match.index > last) parts.push(document.createTextNode(text.slice(last, match.index)))
      var el = document.createElement("mark")
      el.setAttribute("data-md-highlight", "")
      el.textContent = match[0]
      parts.push(el)
      last = match.index + match[0].length
    }
    if (!parts.length) return
    if (last < text.length) parts.push(document.createTextNode(text.slice(last)))
    node.replaceWith.apply(node, parts)
  }

  function run() {
    var root = document.querySelector(".md-content") || document.body
    var it = document.createNodeIterator(root, NodeFilter.SHOW_TEXT)
    var nodes = []
    for (var node = it.nextNode(); node; node = it.nextNode()) {
      var parent = node.parentElement
      if (parent && !parent.closest("mark, script, style, svg, .headerlink")) nodes.push(node)
    }
    nodes.forEach(mark)
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run)
  else run()
})()
