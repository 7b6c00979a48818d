<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Welcome · session-store</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/style.css">
</head>
<body>
  <div class="brand"><span class="brand-mark" aria-hidden="true"></span>session-store</div>
  <main class="card">
    <h1><c:out value="${visits == 1 ? 'Welcome' : 'Welcome back'}"/></h1>
    <p class="lead">Logged in as <strong id="email"><c:out value="${email}"/></strong></p>
    <p class="visits">Visits: <span id="visits"><c:out value="${visits}"/></span></p>
    <p class="hint">Counting resets <c:out value="${visitTtlSeconds}"/> s after your last visit. Reload to count on.</p>
    <c:if test="${sessionsListed}">
      <p class="hint"><a id="your-sessions" href="${pageContext.request.contextPath}/sessions">Your sessions</a>: see where you are signed in, and sign out there.</p>
    </c:if>
    <form method="post" action="${pageContext.request.contextPath}/logout">
      <input type="hidden" name="csrf" value="<c:out value='${csrfToken}'/>">
      <button type="submit" class="secondary">Log out</button>
    </form>
  </main>
  <p class="foot">Served from a session kept in Redis.</p>
</body>
</html>
