<%@ page contentType="text/html; charset=UTF-8" pageEncoding="UTF-8" session="false" trimDirectiveWhitespaces="true" %>
<%@ taglib prefix="c" uri="jakarta.tags.core" %>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in · session-store</title>
  <link rel="stylesheet" href="${pageContext.request.contextPath}/style.css">
</head>
<body>
  <div class="brand"><span class="brand-mark" aria-hidden="true"></span>session-store</div>
  <main class="card">
    <h1>Sign in</h1>
    <p class="lead">Enter your email to see how often you visited in the last <c:out value="${visitTtlSeconds}"/> seconds.</p>
    <form method="post" action="${pageContext.request.contextPath}/login" novalidate>
      <input type="hidden" name="csrf" value="<c:out value='${csrfToken}'/>">
      <label for="email">Email address</label>
      <input id="email" name="email" type="email" required autofocus autocomplete="email" maxlength="254"
             value="<c:out value='${email}'/>"
             <c:if test="${not empty error}">aria-invalid="true" aria-describedby="email-error"</c:if>>
      <c:if test="${not empty error}">
        <p id="email-error" class="error" role="alert"><c:out value="${error}"/></p>
      </c:if>
      <button type="submit">Continue</button>
    </form>
  </main>
  <p class="foot">Sessions are kept in Redis, so any server can answer you.</p>
</body>
</html>
