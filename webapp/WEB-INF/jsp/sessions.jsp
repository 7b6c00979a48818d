<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Your sessions · session-store</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/style.css">
</head>
<body>
  <div class="brand"><span class="brand-mark" aria-hidden="true"></span>session-store</div>
  <main class="card">
    <h1>Your sessions</h1>
    <p class="lead">Signed in as <strong id="email"><c:out value="${email}"/></strong> in these browsers.</p>
    <ul class="sessions" id="sessions">
      <c:forEach items="${sessions}" var="row">
        <li class="${row.current ? 'session current' : 'session'}">
          <span class="device"><c:out value="${row.device}"/></span>
          <c:if test="${row.current}"><span class="badge">this browser</span></c:if>
          <span class="times">Started <c:out value="${row.started}"/> · last used <c:out value="${row.lastUsed}"/></span>
        </li>
      </c:forEach>
    </ul>
    <c:if test="${notShown > 0}">
      <p class="hint" id="not-shown">And <c:out value="${notShown}"/> older sessions.</p>
    </c:if>
    <form method="post" action="${pageContext.request.contextPath}/sessions">
      <input type="hidden" name="csrf" value="<c:out value='${csrfToken}'/>">
      <input type="hidden" name="action" value="others">
      <button type="submit" id="logout-others">Log out my other sessions</button>
    </form>
    <form method="post" action="${pageContext.request.contextPath}/sessions">
      <input type="hidden" name="csrf" value="<c:out value='${csrfToken}'/>">
      <input type="hidden" name="action" value="everywhere">
      <button type="submit" class="secondary" id="logout-everywhere">Log out everywhere</button>
    </form>
    <p class="hint"><a href="${pageContext.request.contextPath}/">Back to the welcome page</a></p>
  </main>
</body>
</html>
